import { EventEmitter } from 'node:events';
import type { Client } from '@temporalio/client';
import { HttpError } from './errors';
import { changedSinceQuery, windowQuery } from './visibilityQuery';
import { PIPELINE_WORKFLOW } from '../core';
import { toPipelineRecord, type PipelineRecord } from './pipelineRecord';
import { toTaskRecord } from './taskRecord';
import type { TaskRecord } from '../core/contract';

export const WINDOW_MS = 14 * 24 * 3600 * 1000;
/** Visibility is eventually consistent: each delta poll looks back this far to catch late rows. */
const OVERLAP_MS = 15_000;
/** A full reload now and then drops tasks that left the window or were deleted. */
const RESYNC_MS = 5 * 60_000;
const PAGE_SIZE = 1000;

export interface TaskIndexOptions {
  pollMs: number;
  log?: (message: string) => void;
}

export interface TaskIndexEvents {
  change: [TaskRecord];
}

/**
 * The 14-day task table of one API process, read from Temporal visibility by ONE poller however
 * many clients list or listen. It loads the window once, then asks each poll only for tasks that
 * started, changed or closed since the last poll, and emits every row that changed. Lists,
 * filters, sorts and counts are answered from it, which is why they cost no visibility call and
 * why no filter value ever reaches a visibility query.
 */
export class TaskIndex extends EventEmitter<TaskIndexEvents> {
  private readonly records = new Map<string, TaskRecord>();
  /** Pipeline workflows come with the same polls: one more workflow type in the same queries. */
  private readonly pipelineRecords = new Map<string, PipelineRecord>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private lastPollStart = 0;
  private lastResync = 0;
  readonly stats = { visibilityCalls: 0, polls: 0, lastPollAt: null as string | null, lastError: null as string | null };
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

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  get size(): number {
    return this.records.size;
  }

  get(id: string): TaskRecord | undefined {
    return this.records.get(id);
  }

  all(): IterableIterator<TaskRecord> {
    return this.records.values();
  }

  /** Every task type in the window (the catalog's and the plugin's). */
  taskTypes(): Set<string> {
    const types = new Set<string>();
    for (const record of this.records.values()) types.add(record.task_type);
    return types;
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
    if (known && known.run_id !== record.run_id && Date.parse(record.created_at) < Date.parse(known.created_at)) return;
    this.pipelineRecords.set(record.id, record);
  }

  /** Records a row (from a poll, or first-hand from a start ahead of visibility); emits it if it changed. */
  put(record: TaskRecord): void {
    if (!this.isNewer(record)) return;
    const previous = this.records.get(record.id);
    if (previous && sameRecord(previous, record)) return;
    this.records.set(record.id, record);
    this.emit('change', record);
  }

  private async tick(): Promise<void> {
    const started = Date.now();
    try {
      if (started - this.lastResync >= RESYNC_MS) await this.resync(started);
      else await this.pollChanges(started);
      this.lastPollStart = started;
      this.stats.polls += 1;
      this.stats.lastPollAt = new Date().toISOString();
      this.stats.lastError = null;
      this.markReady();
    } catch (err) {
      this.stats.lastError = (err as Error).message;
      this.options.log?.(`taskdeck api: visibility poll failed: ${(err as Error).message}`);
    }
    if (!this.stopped) this.timer = setTimeout(() => void this.tick(), this.options.pollMs);
  }

  private async pollChanges(started: number): Promise<void> {
    const since = new Date(this.lastPollStart - OVERLAP_MS);
    for await (const record of this.list(changedSinceQuery(since))) {
      if ('task_type' in record) this.put(record);
      else this.putPipeline(record);
    }
    this.dropExpired(started);
  }

  private async resync(started: number): Promise<void> {
    const seen = new Set<string>();
    for await (const record of this.list(windowQuery(new Date(started - WINDOW_MS)))) {
      seen.add(record.id);
      if ('task_type' in record) this.put(record);
      else this.putPipeline(record);
    }
    for (const map of [this.records, this.pipelineRecords]) {
      for (const [id, record] of map) {
        // A task started a moment ago may not be visible yet; only long-known absences are deletions.
        if (!seen.has(id) && Date.parse(record.created_at) < started - OVERLAP_MS) map.delete(id);
      }
    }
    this.dropExpired(started);
    this.lastResync = started;
  }

  /**
   * Visibility may list an old run of a reused workflow ID; the newest run is the task. And it may
   * list a run as still open after the API described it closed (rows arrive first-hand, see
   * TaskService.abort): a closed run never opens again, so that row is stale.
   */
  private isNewer(record: TaskRecord): boolean {
    const known = this.records.get(record.id);
    if (!known) return true;
    if (known.run_id === record.run_id) return !(known.end_date && !record.end_date);
    return Date.parse(record.created_at) >= Date.parse(known.created_at);
  }

  private dropExpired(now: number): void {
    for (const map of [this.records, this.pipelineRecords]) {
      for (const [id, record] of map) {
        if (Date.parse(record.created_at) < now - WINDOW_MS) map.delete(id);
      }
    }
  }

  private async *list(query: string): AsyncGenerator<TaskRecord | PipelineRecord> {
    this.stats.visibilityCalls += 1;
    let rows = 0;
    for await (const info of this.client.workflow.list({ query, pageSize: PAGE_SIZE })) {
      rows += 1;
      if (rows % PAGE_SIZE === 0) this.stats.visibilityCalls += 1;
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
