import { EventEmitter } from 'node:events';
import type { Client } from '@temporalio/client';
import { HttpError } from './errors';
import { SNAPSHOT_VERSION, loadSnapshot, saveSnapshot } from './indexSnapshot';
import { changedSinceQuery, startedBetweenQuery, windowQuery } from './visibilityQuery';
import { DEFAULT_GRAPH_DEPTH, PIPELINE_WORKFLOW, type GraphScope, type GraphTask } from '../core';
import { toPipelineRecord, type PipelineRecord } from './pipelineRecord';
import { toTaskRecord } from './taskRecord';
import { TaskTable, type GroupField, type TaskPage } from './taskTable';
import type { ListTasksQuery, TaskRecord } from '../core/contract';

export const WINDOW_MS = 14 * 24 * 3600 * 1000;
/** Visibility is eventually consistent: each delta poll looks back this far to catch late rows. */
const OVERLAP_MS = 15_000;
const PAGE_SIZE = 1000;
/** A repair lists a time range once visibility counts at most this many tasks in it. */
const LEAF_ROWS = 100;
/** A repair's calls are spaced this far apart: with the poll's one a second, at most two a second. */
const REPAIR_SPACING_MS = 1000;

export interface TaskIndexOptions {
  pollMs: number;
  /** How often a visibility count checks the window for deletions and missed changes. */
  checkMs: number;
  /** Where the index keeps its snapshot, whose cluster it lists (`address/namespace`), how often it writes it. */
  snapshot?: { file: string; source: string; everyMs: number };
  log?: (message: string) => void;
}

export interface TaskIndexEvents {
  change: [TaskRecord];
}

/**
 * The 14-day task table of one API process, read from Temporal visibility by ONE poller however
 * many clients list or listen. It loads the window once (from its snapshot and the changes since,
 * or by listing it), then asks each poll only for tasks that started, changed or closed since the
 * last poll, and emits every row that changed. What no poll sees (a deleted workflow, a change
 * visibility showed too late) a periodic count finds: when the count of the window differs from
 * the index's, halves of the window are counted until the ranges that differ are small enough to
 * list, so a repair costs the size of the damage, not of the window. Lists, filters, sorts and
 * counts are answered from the table, which is why they cost no visibility call and why no filter
 * value ever reaches a visibility query.
 */
export class TaskIndex extends EventEmitter<TaskIndexEvents> {
  private table = new TaskTable();
  /** Pipeline workflows come with the same polls: one more workflow type in the same queries. */
  private readonly pipelineRecords = new Map<string, PipelineRecord>();
  /** Older runs of reused workflow ids (run id → start): visibility counts them, the table keeps the newest. */
  private readonly superseded = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private loaded = false;
  private lastPollStart = 0;
  private lastCheck = 0;
  private lastSave = Date.now();
  private unsaved = false;
  private repairing: Promise<void> | undefined;
  private lastRepairCall = 0;
  private readonly createdAt = Date.now();
  readonly stats = {
    visibilityCalls: 0,
    polls: 0,
    lastPollAt: null as string | null,
    lastError: null as string | null,
    /** Counts of the window compared with visibility's. */
    checks: 0,
    /** Checks that found a difference, and the rows their ranges listed. */
    repairs: 0,
    repairListedRows: 0,
    /** Visibility calls those repairs made (counts and list pages), among `visibilityCalls`. */
    repairVisibilityCalls: 0,
    /** How the window was first loaded: rows from the snapshot (null: listed), and the time until ready. */
    snapshotRows: null as number | null,
    readyMs: null as number | null,
  };
  private readonly ready: Promise<void>;
  private markReady!: () => void;

  constructor(
    private readonly client: Client,
    private readonly options: TaskIndexOptions,
  ) {
    super();
    this.ready = new Promise((resolve) => (this.markReady = resolve));
  }

  /**
   * Resolves once the window is loaded; a 503 instead of a hang when Temporal does not answer,
   * naming why.
   */
  async whenReady(timeoutMs = 10_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new HttpError(503, `The task list is still loading from Temporal visibility${this.stats.lastError ? `: ${this.stats.lastError}` : ''}`)),
        timeoutMs,
      );
    });
    try {
      await Promise.race([this.ready, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  start(): void {
    void this.tick();
  }

  /** Stops polling and writes the snapshot, so the next start lists only what changes meanwhile. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.repairing;
    if (this.options.snapshot && this.unsaved) await this.save();
  }

  get size(): number {
    return this.table.size;
  }

  get(id: string): TaskRecord | undefined {
    return this.table.get(id);
  }

  /** `GET /tasks` (and a bulk action's filter). */
  query(query: ListTasksQuery, now = Date.now()): TaskPage {
    return this.table.query(query, now);
  }

  /** The tasks of one batch, pipeline or dataset, or the retries of a task. */
  group(field: GroupField, value: string): TaskRecord[] {
    return this.table.group(field, value);
  }

  /** The values of a group field in the window (every batch id), each with its task count. */
  groupValues(field: GroupField): Map<string, number> {
    return this.table.groupValues(field);
  }

  /** The tasks `GET /graph` needs for a scope, its own and what they link to, as served at `now`. */
  graphTasks(scope: GraphScope, now: number): GraphTask[] {
    return this.table.graphTasks(scope, DEFAULT_GRAPH_DEPTH, now);
  }

  /** The same, a step at a time (TaskTable.graphTaskSteps), for a big graph served while polls and other requests go on. */
  graphTaskSteps(scope: GraphScope, now: number): Generator<void, GraphTask[]> {
    return this.table.graphTaskSteps(scope, DEFAULT_GRAPH_DEPTH, now);
  }

  /** Every task type in the window (the catalog's and the plugin's), from counts kept per type. */
  taskTypes(): Set<string> {
    return this.table.taskTypes();
  }

  pipeline(id: string): PipelineRecord | undefined {
    return this.pipelineRecords.get(id);
  }

  pipelines(): IterableIterator<PipelineRecord> {
    return this.pipelineRecords.values();
  }

  /** Records a pipeline (from a poll, or first-hand from a start ahead of visibility). */
  putPipeline(record: PipelineRecord): void {
    const known = this.pipelineRecords.get(record.id);
    if (known && known.run_id !== record.run_id) {
      const older = Date.parse(record.created_at) < Date.parse(known.created_at) ? record : known;
      this.superseded.set(older.run_id, Date.parse(older.created_at));
      if (older === record) return;
    }
    this.pipelineRecords.set(record.id, record);
    this.unsaved = true;
  }

  /**
   * Records a row (from a poll, or first-hand from a start ahead of visibility); emits it if it
   * changed. Visibility may list an old run of a reused workflow ID; the newest run is the task.
   * And it may list a run as still open after the API described it closed (rows arrive
   * first-hand, see TaskService.abort): a closed run never opens again, so that row is stale.
   */
  put(record: TaskRecord): void {
    const known = this.table.get(record.id);
    if (known) {
      if (known.run_id === record.run_id) {
        if ((known.end_date && !record.end_date) || sameRecord(known, record)) return;
      } else {
        const older = Date.parse(record.created_at) < Date.parse(known.created_at) ? record : known;
        this.superseded.set(older.run_id, Date.parse(older.created_at));
        if (older === record) return;
      }
    }
    this.table.put(record);
    this.unsaved = true;
    this.emit('change', record);
  }

  private async tick(): Promise<void> {
    const started = Date.now();
    try {
      if (this.loaded) await this.pollChanges(started);
      else await this.load(started);
      this.lastPollStart = started;
      this.stats.polls += 1;
      this.stats.lastPollAt = new Date().toISOString();
      this.stats.lastError = null;
      this.stats.readyMs ??= Date.now() - this.createdAt;
      this.markReady();
      if (started - this.lastCheck >= this.options.checkMs && !this.repairing) {
        this.lastCheck = started;
        this.repairing = this.checkWindow(started).finally(() => (this.repairing = undefined));
      }
      if (this.options.snapshot && this.unsaved && started - this.lastSave >= this.options.snapshot.everyMs) await this.save();
    } catch (err) {
      this.stats.lastError = (err as Error).message;
      this.options.log?.(`taskdeck api: visibility poll failed: ${(err as Error).message}`);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.options.pollMs);
  }

  /**
   * The first load: the snapshot and what changed since it was written (then a check right away,
   * for what was deleted meanwhile), or without one the whole window.
   */
  private async load(started: number): Promise<void> {
    const snapshot = this.options.snapshot && (await loadSnapshot(this.options.snapshot.file, this.options.snapshot.source));
    if (snapshot && snapshot.complete_until > started - WINDOW_MS) {
      this.table = TaskTable.fromSnapshot(snapshot.table);
      for (const pipeline of snapshot.pipelines) this.pipelineRecords.set(pipeline.id, pipeline);
      for (const [run, created] of snapshot.superseded) this.superseded.set(run, created);
      this.stats.snapshotRows = this.table.size;
      this.lastPollStart = snapshot.complete_until;
      await this.pollChanges(started);
    } else {
      for await (const record of this.list(windowQuery(new Date(started - WINDOW_MS)))) this.accept(record);
      this.lastCheck = started;
    }
    this.loaded = true;
  }

  private async pollChanges(started: number): Promise<void> {
    const since = new Date(this.lastPollStart - OVERLAP_MS);
    for await (const record of this.list(changedSinceQuery(since))) this.accept(record);
    this.dropExpired(started);
  }

  private accept(record: TaskRecord | PipelineRecord): void {
    if ('task_type' in record) this.put(record);
    else this.putPipeline(record);
  }

  /** Compares the window's count with visibility's, and repairs the ranges that differ (every `checkMs`). */
  async checkWindow(now: number): Promise<void> {
    try {
      const from = now - WINDOW_MS;
      // A task started a moment ago may not be visible yet, or not be in the index yet.
      const to = now - OVERLAP_MS;
      this.stats.checks += 1;
      const theirs = await this.countVisible(from, to);
      if (theirs === this.countKnown(from, to)) return;
      this.stats.repairs += 1;
      await this.repair(from, to, theirs);
    } catch (err) {
      this.options.log?.(`taskdeck api: visibility check failed: ${(err as Error).message}`);
    }
  }

  /** Halves a range whose counts differ until visibility counts few enough tasks in it to list. */
  private async repair(from: number, to: number, theirs: number): Promise<void> {
    if (this.stopped || theirs === this.countKnown(from, to)) return;
    if (theirs <= LEAF_ROWS || to - from <= 1) return this.relist(from, to);
    const middle = Math.floor((from + to) / 2);
    const left = await this.countVisible(from, middle, true);
    await this.repair(from, middle, left);
    await this.repair(middle, to, theirs - left);
  }

  /** Lists a small range and drops what visibility no longer has there. */
  private async relist(from: number, to: number): Promise<void> {
    const ids = new Set<string>();
    const runs = new Set<string>();
    await this.pace();
    for await (const record of this.list(startedBetweenQuery(new Date(from), new Date(to)), () => this.pace(), true)) {
      this.stats.repairListedRows += 1;
      ids.add(record.id);
      runs.add(record.run_id);
      this.accept(record);
    }
    for (const id of this.table.idsCreated(from, to)) if (!ids.has(id)) this.table.delete(id);
    const inRange = (created: number) => created >= from && created < to;
    for (const [id, pipeline] of this.pipelineRecords) if (inRange(Date.parse(pipeline.created_at)) && !ids.has(id)) this.pipelineRecords.delete(id);
    for (const [run, created] of this.superseded) if (inRange(created) && !runs.has(run)) this.superseded.delete(run);
    this.unsaved = true;
  }

  /** What visibility counts in a range: the index's tasks and pipelines there, and their older runs. */
  private countKnown(from: number, to: number): number {
    let count = this.table.countCreated(from, to);
    for (const pipeline of this.pipelineRecords.values()) if (Date.parse(pipeline.created_at) >= from && Date.parse(pipeline.created_at) < to) count += 1;
    for (const created of this.superseded.values()) if (created >= from && created < to) count += 1;
    return count;
  }

  private async countVisible(from: number, to: number, repair = false): Promise<number> {
    await this.pace();
    this.countCall(repair);
    return (await this.client.workflow.count(startedBetweenQuery(new Date(from), new Date(to)))).count;
  }

  private async pace(): Promise<void> {
    const wait = this.lastRepairCall + REPAIR_SPACING_MS - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    this.lastRepairCall = Date.now();
  }

  private dropExpired(now: number): void {
    if (this.table.dropCreatedBefore(now - WINDOW_MS) > 0) this.unsaved = true;
    for (const [id, record] of this.pipelineRecords) if (Date.parse(record.created_at) < now - WINDOW_MS) this.pipelineRecords.delete(id);
    for (const [run, created] of this.superseded) if (created < now - WINDOW_MS) this.superseded.delete(run);
  }

  /** Writes the snapshot (every `snapshot.everyMs` when something changed, and at stop). */
  async save(): Promise<void> {
    const { file, source } = this.options.snapshot!;
    this.unsaved = false;
    this.lastSave = Date.now();
    try {
      await saveSnapshot(file, {
        version: SNAPSHOT_VERSION,
        source,
        complete_until: this.lastPollStart,
        table: this.table.toSnapshot(),
        pipelines: [...this.pipelineRecords.values()],
        superseded: [...this.superseded],
      });
    } catch (err) {
      this.options.log?.(`taskdeck api: could not write the index snapshot ${file}: ${(err as Error).message}`);
    }
  }

  private countCall(repair: boolean): void {
    this.stats.visibilityCalls += 1;
    if (repair) this.stats.repairVisibilityCalls += 1;
  }

  private async *list(query: string, beforePage?: () => Promise<void>, repair = false): AsyncGenerator<TaskRecord | PipelineRecord> {
    this.countCall(repair);
    let rows = 0;
    for await (const info of this.client.workflow.list({ query, pageSize: PAGE_SIZE })) {
      rows += 1;
      if (rows % PAGE_SIZE === 0) {
        await beforePage?.();
        this.countCall(repair);
      }
      yield info.type === PIPELINE_WORKFLOW ? toPipelineRecord(info) : toTaskRecord(info);
    }
  }
}

/**
 * Whether a polled row says nothing new. Field by field, without serializing: every poll compares
 * every changed row, and JSON strings of thousands of rows a second are garbage the API's memory
 * figure pays for.
 */
export function sameRecord(a: TaskRecord, b: TaskRecord): boolean {
  for (const key of Object.keys(b) as (keyof TaskRecord)[]) {
    const x = a[key];
    const y = b[key];
    if (x === y) continue;
    if (Array.isArray(x) && Array.isArray(y) && x.length === y.length && x.every((v, i) => v === y[i])) continue;
    return false;
  }
  return Object.keys(a).length === Object.keys(b).length;
}
