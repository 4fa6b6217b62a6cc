import { allSteps, statusesForFilter, STATUS_CODE, TASK_STATUSES, type GraphTask, type TaskStatus } from '../core';
import type { ListTasksQuery, SortKey, TaskRecord } from '../core/contract';

export interface TaskPage {
  total: number;
  items: TaskRecord[];
}

/** The fields a task can be looked up by in O(its group): each value keeps the set of its rows. */
export const GROUP_FIELDS = ['batch_id', 'pipeline_id', 'dataset_id', 'retry_of', 'schedule_id'] as const;
export type GroupField = (typeof GROUP_FIELDS)[number];

/** The string fields kept as codes into one table of distinct strings. */
const CODED = ['task_type', 'tag', 'dataset', 'dataset_id', 'user', 'batch_id', 'pipeline_id', 'retry_of', 'parent_id', 'origin', 'schedule_id', 'group', 'agent', 'node'] as const;
type CodedField = (typeof CODED)[number];

/** What few rows have: kept in one object per row that has any of it, not in a column each. */
interface Rare {
  error: string | null;
  failed_step: TaskStatus | null;
  exit_code: number | null;
  triggered_by: string | null;
  depends_on: string[];
  paused_ms: number;
  paused_at: string | null;
  allocation: TaskRecord['allocation'];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const NONE = -1;
/** A sort order with more changes than this waiting is sorted again instead of merged. */
const MAX_PENDING_FRACTION = 8;

type Order = 'asc' | 'desc';
/** Durations are kept in two orders: fixed ones, and ticking ones (running, so counted up to now). */
type Part = 'all' | 'fixed' | 'ticking';

/**
 * The task rows of the window, stored by column: epoch milliseconds in Float64Arrays, statuses and
 * progress in bytes, repeated strings (types, tags, datasets, users, batch and pipeline ids) as
 * codes into one table of distinct strings, run ids and most task ids as 16 bytes (IdColumn), the
 * id → row lookup an open-addressing table (RowIndex). A row is a number; a TaskRecord is built
 * only for the rows a request returns. Sorted orders are kept per sort key and direction,
 * repaired from the rows that changed since they were last read (a merge, not a sort); counts are
 * kept per status, type and group; batches, pipelines, datasets, retries and schedules keep the
 * set of their rows. See docs/performance.md for what it costs at a million tasks.
 */
export class TaskTable {
  private capacity = 0;
  private top = 0;
  private live = 0;
  private readonly free: number[] = [];
  /** Graphs being made a step at a time (graphTaskSteps): while any is, freed rows are not reused. */
  private pins = 0;
  private readonly rowOf = new RowIndex((row) => this.ids.get(row));

  private alive = new Uint8Array(0);
  private created = new Float64Array(0);
  private ended = new Float64Array(0);
  private started = new Float64Array(0);
  /** When a run was due: NaN when it is its creation time (every run but a scheduled one). */
  private trigger = new Float64Array(0);
  private status = new Uint8Array(0);
  private progress = new Uint8Array(0);
  private runUuid = new Uint32Array(0);
  private readonly codes = {} as Record<CodedField, Int32Array>;
  /** Task ids: most are `<type>-<uuid>` or a bare UUID, kept as a prefix code and 16 bytes. */
  private readonly ids = new IdColumn(
    (value) => this.intern(value, 1),
    (code) => this.release(code, 1),
    (code) => this.strings[code]!,
  );
  private names: (string | null)[] = [];
  private messages: (string | null)[] = [];
  private rare: (Rare | undefined)[] = [];
  private readonly runIdText = new Map<number, string>();

  private readonly strings: (string | undefined)[] = [];
  private readonly codeOf = new Map<string, number>();
  private refs = new Int32Array(0);
  private readonly freeCodes: number[] = [];

  /** Per group field, each value's rows: only rows in a group cost anything (most have no batch, pipeline, retry or schedule). */
  private readonly groups = {} as Record<GroupField, Map<number, Set<number>>>;
  private readonly statusCounts = new Int32Array(TASK_STATUSES.length);
  private readonly typeCounts = new Map<number, number>();
  /** Upstream task id → rows that name it (depends_on, triggered_by, parent_id): the graph's downstream edges. */
  private readonly downstream = new Map<string, Set<number>>();

  private readonly orders = new Map<string, SortedRows>();
  private scratch = new Uint8Array(0);

  constructor() {
    for (const field of CODED) this.codes[field] = new Int32Array(0);
    for (const field of GROUP_FIELDS) this.groups[field] = new Map();
  }

  static from(records: Iterable<TaskRecord>): TaskTable {
    const table = new TaskTable();
    for (const record of records) table.put(record);
    return table;
  }

  get size(): number {
    return this.live;
  }

  has(id: string): boolean {
    return this.rowOf.has(id);
  }

  get(id: string): TaskRecord | undefined {
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.record(row);
  }

  /** The stored fields of a task without building its row: what comparisons of polled rows need. */
  createdMs(id: string): number | undefined {
    const row = this.rowOf.get(id);
    return row === undefined ? undefined : this.created[row];
  }

  *all(): IterableIterator<TaskRecord> {
    for (let row = 0; row < this.top; row++) if (this.alive[row]) yield this.record(row);
  }

  /** Every task type in the window, from the per-type counts. */
  taskTypes(): Set<string> {
    const types = new Set<string>();
    for (const [code, count] of this.typeCounts) if (count > 0) types.add(this.strings[code]!);
    return types;
  }

  /** The tasks of one batch, pipeline, dataset, or retried task: O(the group), not O(window). */
  group(field: GroupField, value: string): TaskRecord[] {
    return this.groupRows(field, value).map((row) => this.record(row));
  }

  /** The values a group field has in the window (every batch id, say), each with its task count. */
  groupValues(field: GroupField): Map<string, number> {
    const values = new Map<string, number>();
    for (const [code, rows] of this.groups[field]) values.set(this.strings[code]!, rows.size);
    return values;
  }

  groupSize(field: GroupField, value: string): number {
    const code = this.codeOf.get(value);
    return code === undefined ? 0 : (this.groups[field].get(code)?.size ?? 0);
  }

  /** Stores a row, replacing the task's row if it has one. */
  put(record: TaskRecord): void {
    let row = this.rowOf.get(record.id);
    if (row !== undefined) this.unlink(row);
    else {
      row = (this.pins === 0 ? this.free.pop() : undefined) ?? this.top++;
      if (row >= this.capacity) this.grow(Math.max(1024, this.capacity * 2));
      this.ids.set(row, record.id);
      this.rowOf.set(record.id, row);
      this.live += 1;
    }
    this.write(row, record);
    this.link(row);
    this.touch(row);
  }

  delete(id: string): boolean {
    const row = this.rowOf.get(id);
    if (row === undefined) return false;
    this.unlink(row);
    this.touch(row);
    for (const field of CODED) {
      const code = this.codes[field][row];
      if (code !== NONE) this.release(code, 1);
      this.codes[field][row] = NONE;
    }
    this.alive[row] = 0;
    this.rowOf.delete(id);
    this.ids.clear(row);
    this.names[row] = null;
    this.messages[row] = null;
    this.rare[row] = undefined;
    this.runIdText.delete(row);
    this.live -= 1;
    this.free.push(row);
    return true;
  }

  /** Tasks created at or after `from` and before `to`: two binary searches in the time order. */
  countCreated(from: number, to = Infinity): number {
    const order = this.order('time', 'desc', 'all');
    const created = this.created;
    // Newest first: the rows created before `to` start at the first index whose time is < to.
    const start = firstIndex(order.rows, order.length, (row) => created[row] < to);
    const end = firstIndex(order.rows, order.length, (row) => created[row] < from);
    return Math.max(0, end - start);
  }

  /** The ids of the tasks created at or after `from` and before `to`. */
  idsCreated(from: number, to = Infinity): string[] {
    const order = this.order('time', 'desc', 'all');
    const created = this.created;
    const start = firstIndex(order.rows, order.length, (row) => created[row] < to);
    const end = firstIndex(order.rows, order.length, (row) => created[row] < from);
    const ids: string[] = [];
    for (let i = start; i < end; i++) ids.push(this.ids.get(order.rows[i]));
    return ids;
  }

  /** Drops the tasks created before `before`; returns how many. */
  dropCreatedBefore(before: number): number {
    const order = this.order('time', 'desc', 'all');
    const created = this.created;
    const end = firstIndex(order.rows, order.length, (row) => created[row] < before);
    const old: string[] = [];
    for (let i = end; i < order.length; i++) old.push(this.ids.get(order.rows[i]));
    for (const id of old) this.delete(id);
    return old.length;
  }

  /** `GET /tasks`: filters, sorts and pages; every value is compared literally (the dataset without case). */
  query(query: ListTasksQuery, now = Date.now()): TaskPage {
    const since = now - query.within_hours * 3600 * 1000;
    const match = this.matcher(query, since);
    const direction: Order = query.order === 'asc' ? 'asc' : 'desc';
    const pageEnd = query.offset + query.limit;
    if (!match.filtered) {
      // Unfiltered: the count is the size, or two binary searches for a shorter time window.
      const total = since <= this.oldest() ? this.live : this.countCreated(since);
      const rows = this.walk(query.sort, direction, now, pageEnd, since <= this.oldest() ? undefined : match.test);
      return { total, items: rows.slice(query.offset).map((row) => this.present(row, now)) };
    }
    const matches = this.scan(match);
    // Sort the matches, or walk the kept order until the page is full: whichever reads fewer rows.
    const walkCost = (pageEnd * this.live) / Math.max(1, matches.length);
    if (matches.length * Math.log2(matches.length + 2) <= walkCost || matches.length <= pageEnd) {
      const compare = this.comparator(query.sort, direction, now);
      const sorted = Int32Array.from(matches).sort(compare);
      return { total: matches.length, items: [...sorted.subarray(query.offset, pageEnd)].map((row) => this.present(row, now)) };
    }
    const rows = this.walk(query.sort, direction, now, pageEnd, match.test);
    return { total: matches.length, items: rows.slice(query.offset).map((row) => this.present(row, now)) };
  }

  /**
   * The rows `GET /graph` needs for a scope, instead of the whole window: the scope's tasks (from
   * the group lists, or a walk along the edges for one task's neighbourhood, or every linked task),
   * the follow-ups they started, and the tasks upstream of them that can block them.
   */
  graphTasks(scope: { pipeline?: string; batch?: string; task?: string; depth?: number }, defaultDepth: number, now: number): GraphTask[] {
    return allSteps(this.graphTaskSteps(scope, defaultDepth, now));
  }

  /**
   * `graphTasks` a step at a time, GRAPH_ROWS_PER_STEP rows walked or made into tasks per step
   * (a second in all at 50,000 tasks on this machine), with other work between the steps.
   * Meanwhile no freed row is reused, so a row chosen holds its task, newer if it changed, or none
   * if it was deleted (then it is left out). Close the steps (`return()`) when giving up before the
   * end.
   */
  *graphTaskSteps(scope: { pipeline?: string; batch?: string; task?: string; depth?: number }, defaultDepth: number, now: number): Generator<void, GraphTask[]> {
    this.pins += 1;
    try {
      const rows = yield* this.graphRows(scope, defaultDepth);
      const tasks: GraphTask[] = [];
      for (let i = 0; i < rows.length; i++) {
        if (i % GRAPH_ROWS_PER_STEP === 0) yield;
        if (this.alive[rows[i]]) tasks.push(this.graphTask(rows[i], now));
      }
      return tasks;
    } finally {
      this.pins -= 1;
    }
  }

  private *graphRows(scope: { pipeline?: string; batch?: string; task?: string; depth?: number }, defaultDepth: number): Generator<void, Int32Array> {
    const chosen = new Set<number>();
    if (scope.task !== undefined) {
      const start = this.rowOf.get(scope.task);
      if (start !== undefined) this.neighbourhood(start, scope.depth ?? defaultDepth, chosen);
    } else if (scope.pipeline !== undefined || scope.batch !== undefined) {
      const [field, value] = scope.batch !== undefined ? (['batch_id', scope.batch] as const) : (['pipeline_id', scope.pipeline!] as const);
      for (const row of this.groupRows(field, value)) chosen.add(row);
      yield* this.addFollowUps(chosen);
    } else {
      for (const [upstream, rows] of this.downstream) {
        const row = this.rowOf.get(upstream);
        if (row !== undefined) chosen.add(row);
        for (const r of rows) chosen.add(r);
      }
    }
    yield* this.addBlockers(chosen);
    // Newest first, then by id: the graph breaks ties in time by the order it is given.
    return Int32Array.from(chosen).sort(this.comparator('time', 'desc', 0));
  }

  /** What the graph reads of a row, as served (`present`): a whole record and its copy cost twice as much at 50,000 tasks. */
  private graphTask(row: number, now: number): GraphTask {
    const rare = this.rare[row];
    const s = (field: CodedField) => this.text(field, row);
    return {
      id: this.ids.get(row),
      name: this.names[row],
      task_type: s('task_type')!,
      status: TASK_STATUSES[this.status[row]],
      progress: this.progress[row],
      message: this.messages[row],
      created_at: iso(this.created[row])!,
      started_at: iso(this.started[row]),
      end_date: iso(this.ended[row]),
      duration_ms: this.duration(row, now),
      dataset: s('dataset'),
      dataset_id: s('dataset_id'),
      pipeline_id: s('pipeline_id'),
      batch_id: s('batch_id'),
      schedule_id: s('schedule_id'),
      error: rare?.error ?? null,
      depends_on: rare?.depends_on ?? [],
      triggered_by: rare?.triggered_by ?? null,
      parent_id: s('parent_id'),
    };
  }

  /** The table as plain data, for a snapshot file: only live rows, their strings and codes. */
  toSnapshot(): TableSnapshot {
    const rows: number[] = [];
    for (let row = 0; row < this.top; row++) if (this.alive[row]) rows.push(row);
    const pick = <T extends Float64Array | Uint8Array | Int32Array>(column: T, make: (n: number) => T): T => {
      const out = make(rows.length);
      rows.forEach((row, i) => (out[i] = column[row]));
      return out;
    };
    const used = new Map<number, number>();
    const strings: string[] = [];
    const recode = (code: number) => {
      if (code === NONE) return NONE;
      let next = used.get(code);
      if (next === undefined) {
        next = strings.push(this.strings[code]!) - 1;
        used.set(code, next);
      }
      return next;
    };
    const codes = {} as Record<CodedField, Int32Array>;
    for (const field of CODED) codes[field] = Int32Array.from(rows, (row) => recode(this.codes[field][row]));
    return {
      ids: rows.map((row) => this.ids.get(row)),
      run_ids: rows.map((row) => this.runId(row)),
      names: rows.map((row) => this.names[row]),
      messages: rows.map((row) => this.messages[row]),
      rare: rows.map((row) => this.rare[row] ?? null),
      created: pick(this.created, (n) => new Float64Array(n)),
      ended: pick(this.ended, (n) => new Float64Array(n)),
      started: pick(this.started, (n) => new Float64Array(n)),
      trigger: pick(this.trigger, (n) => new Float64Array(n)),
      status: pick(this.status, (n) => new Uint8Array(n)),
      progress: pick(this.progress, (n) => new Uint8Array(n)),
      strings,
      codes,
    };
  }

  /** Loads a snapshot into an empty table, column by column. */
  static fromSnapshot(snapshot: TableSnapshot): TaskTable {
    const table = new TaskTable();
    const n = snapshot.ids.length;
    table.grow(Math.max(1024, n));
    table.created.set(snapshot.created);
    table.ended.set(snapshot.ended);
    table.started.set(snapshot.started);
    table.trigger.set(snapshot.trigger);
    table.status.set(snapshot.status);
    table.progress.set(snapshot.progress);
    const codeMap = snapshot.strings.map((value) => table.intern(value, 0));
    for (const field of CODED) {
      const source = snapshot.codes[field];
      const target = table.codes[field];
      for (let row = 0; row < n; row++) {
        const code = source[row];
        target[row] = code === NONE ? NONE : codeMap[code];
        if (code !== NONE) table.refs[target[row]] += 1;
      }
    }
    for (let row = 0; row < n; row++) {
      const id = snapshot.ids[row];
      table.ids.set(row, id);
      table.rowOf.set(id, row);
      table.names[row] = snapshot.names[row];
      table.messages[row] = snapshot.messages[row];
      table.rare[row] = snapshot.rare[row] ?? undefined;
      table.setRunId(row, snapshot.run_ids[row]);
      table.alive[row] = 1;
      table.link(row);
    }
    table.top = n;
    table.live = n;
    for (const code of codeMap) if (table.refs[code] === 0) table.release(code);
    return table;
  }

  private record(row: number): TaskRecord {
    const rare = this.rare[row];
    const status = TASK_STATUSES[this.status[row]];
    const s = (field: CodedField) => this.text(field, row);
    return {
      id: this.ids.get(row),
      task_type: s('task_type')!,
      task_status: STATUS_CODE[status],
      tag: s('tag'),
      created_at: iso(this.created[row])!,
      end_date: iso(this.ended[row]),
      name: this.names[row],
      status,
      progress: this.progress[row],
      message: this.messages[row],
      dataset: s('dataset'),
      dataset_id: s('dataset_id'),
      user: s('user'),
      started_at: iso(this.started[row]),
      duration_ms: null,
      paused_ms: rare?.paused_ms ?? 0,
      paused_at: rare?.paused_at ?? null,
      error: rare?.error ?? null,
      failed_step: rare?.failed_step ?? null,
      exit_code: rare?.exit_code ?? null,
      retry_of: s('retry_of'),
      batch_id: s('batch_id'),
      triggered_by: rare?.triggered_by ?? null,
      depends_on: rare ? [...rare.depends_on] : [],
      pipeline_id: s('pipeline_id'),
      origin: s('origin') as TaskRecord['origin'],
      schedule_id: s('schedule_id'),
      trigger_time: iso(Number.isNaN(this.trigger[row]) ? this.created[row] : this.trigger[row])!,
      group: s('group'),
      agent: s('agent'),
      parent_id: s('parent_id'),
      run_id: this.runId(row),
      node: s('node'),
      allocation: rare?.allocation ? { ...rare.allocation, cores: [...rare.allocation.cores], gpus: [...rare.allocation.gpus] } : null,
    };
  }

  private text(field: CodedField, row: number): string | null {
    const code = this.codes[field][row];
    return code === NONE ? null : this.strings[code]!;
  }

  /** The row as served: durations of running tasks are counted up to `now`. */
  private present(row: number, now: number): TaskRecord {
    return { ...this.record(row), duration_ms: this.duration(row, now) };
  }

  private write(row: number, r: TaskRecord): void {
    this.alive[row] = 1;
    this.created[row] = Date.parse(r.created_at);
    this.ended[row] = r.end_date ? Date.parse(r.end_date) : NaN;
    this.started[row] = r.started_at ? Date.parse(r.started_at) : NaN;
    const trigger = Date.parse(r.trigger_time);
    this.trigger[row] = trigger === this.created[row] ? NaN : trigger;
    this.status[row] = TASK_STATUSES.indexOf(r.status);
    this.progress[row] = r.progress;
    for (const field of CODED) {
      const old = this.codes[field][row];
      const value = r[field];
      // The new value is counted before the old one is released, so a value kept is never freed.
      this.codes[field][row] = value === null ? NONE : this.intern(value, 1);
      if (old !== NONE) this.release(old, 1);
    }
    this.names[row] = r.name;
    this.messages[row] = r.message;
    const plain =
      r.error === null &&
      r.failed_step === null &&
      r.exit_code === null &&
      r.triggered_by === null &&
      r.depends_on.length === 0 &&
      r.paused_ms === 0 &&
      r.paused_at === null &&
      r.allocation === null;
    this.rare[row] = plain
      ? undefined
      : {
          error: r.error,
          failed_step: r.failed_step,
          exit_code: r.exit_code,
          triggered_by: r.triggered_by,
          depends_on: [...r.depends_on],
          paused_ms: r.paused_ms,
          paused_at: r.paused_at,
          allocation: r.allocation && { ...r.allocation, cores: [...r.allocation.cores], gpus: [...r.allocation.gpus] },
        };
    this.setRunId(row, r.run_id);
  }

  private setRunId(row: number, runId: string): void {
    if (UUID.test(runId)) {
      packUuid(runId, this.runUuid, row * 4);
      this.runIdText.delete(row);
    } else this.runIdText.set(row, runId);
  }

  private runId(row: number): string {
    return this.runIdText.get(row) ?? uuidText(this.runUuid, row * 4);
  }

  /** Adds the row to its groups, counts and edges. */
  private link(row: number): void {
    this.statusCounts[this.status[row]] += 1;
    const type = this.codes.task_type[row];
    this.typeCounts.set(type, (this.typeCounts.get(type) ?? 0) + 1);
    for (const field of GROUP_FIELDS) {
      const code = this.codes[field][row];
      if (code === NONE) continue;
      const rows = this.groups[field].get(code);
      if (rows) rows.add(row);
      else this.groups[field].set(code, new Set([row]));
    }
    for (const upstream of this.upstreamIds(row)) {
      const rows = this.downstream.get(upstream);
      if (rows) rows.add(row);
      else this.downstream.set(upstream, new Set([row]));
    }
  }

  /** Takes the row out of its groups, counts and edges (before it is rewritten or deleted). */
  private unlink(row: number): void {
    this.statusCounts[this.status[row]] -= 1;
    const type = this.codes.task_type[row];
    const left = this.typeCounts.get(type)! - 1;
    if (left === 0) this.typeCounts.delete(type);
    else this.typeCounts.set(type, left);
    for (const field of GROUP_FIELDS) {
      const code = this.codes[field][row];
      if (code === NONE) continue;
      const rows = this.groups[field].get(code)!;
      rows.delete(row);
      if (rows.size === 0) this.groups[field].delete(code);
    }
    for (const upstream of this.upstreamIds(row)) {
      const rows = this.downstream.get(upstream)!;
      rows.delete(row);
      if (rows.size === 0) this.downstream.delete(upstream);
    }
  }

  private upstreamIds(row: number): Set<string> {
    const ids = new Set<string>(this.rare[row]?.depends_on ?? []);
    const triggeredBy = this.rare[row]?.triggered_by;
    if (triggeredBy) ids.add(triggeredBy);
    const parent = this.codes.parent_id[row];
    if (parent !== NONE) ids.add(this.strings[parent]!);
    return ids;
  }

  private intern(value: string, refs: number): number {
    let code = this.codeOf.get(value);
    if (code === undefined) {
      code = this.freeCodes.pop() ?? this.strings.length;
      this.strings[code] = value;
      this.codeOf.set(value, code);
      if (code >= this.refs.length) {
        const grown = new Int32Array(Math.max(256, this.refs.length * 2));
        grown.set(this.refs);
        this.refs = grown;
      }
    }
    this.refs[code] += refs;
    return code;
  }

  private release(code: number, refs = 0): void {
    this.refs[code] -= refs;
    if (this.refs[code] > 0) return;
    this.codeOf.delete(this.strings[code]!);
    this.strings[code] = undefined;
    this.freeCodes.push(code);
  }

  /** Marks a row as changed for every sorted order, which merges it back in when next read. */
  private touch(row: number): void {
    for (const [key, order] of this.orders) {
      if (!order.pending) continue;
      order.pending.add(row);
      if (order.pending.size * MAX_PENDING_FRACTION > this.live + 1024) this.orders.set(key, { ...order, pending: undefined });
    }
  }

  private grow(capacity: number): void {
    const f64 = (a: Float64Array) => {
      const b = new Float64Array(capacity);
      b.set(a);
      return b;
    };
    const u8 = (a: Uint8Array) => {
      const b = new Uint8Array(capacity);
      b.set(a);
      return b;
    };
    const i32 = (a: Int32Array) => {
      const b = new Int32Array(capacity).fill(NONE);
      b.set(a);
      return b;
    };
    this.alive = u8(this.alive);
    this.created = f64(this.created);
    this.ended = f64(this.ended);
    this.started = f64(this.started);
    this.trigger = f64(this.trigger);
    this.status = u8(this.status);
    this.progress = u8(this.progress);
    const uuid = new Uint32Array(capacity * 4);
    uuid.set(this.runUuid);
    this.runUuid = uuid;
    for (const field of CODED) this.codes[field] = i32(this.codes[field]);
    this.scratch = new Uint8Array(capacity);
    // Sized once per doubling: arrays grown by assignment keep up to half their length spare.
    const sized = <T>(a: T[]) => {
      const b = new Array<T>(capacity);
      for (let i = 0; i < a.length; i++) b[i] = a[i];
      return b;
    };
    this.ids.grow(capacity);
    this.names = sized(this.names);
    this.messages = sized(this.messages);
    this.rare = sized(this.rare);
    this.capacity = capacity;
  }

  private groupRows(field: GroupField, value: string): number[] {
    const code = this.codeOf.get(value);
    const rows = code === undefined ? undefined : this.groups[field].get(code);
    return rows ? [...rows] : [];
  }

  private oldest(): number {
    const order = this.order('time', 'desc', 'all');
    return order.length === 0 ? Infinity : this.created[order.rows[order.length - 1]];
  }

  private duration(row: number, now: number): number | null {
    const started = this.started[row];
    if (Number.isNaN(started)) return null;
    const end = Number.isNaN(this.ended[row]) ? now : this.ended[row];
    const rare = this.rare[row];
    const pausing = rare?.paused_at ? Math.max(0, end - Date.parse(rare.paused_at)) : 0;
    return Math.max(0, end - started - (rare?.paused_ms ?? 0) - pausing);
  }

  /** Whether the row's duration grows with the clock: started, not ended, not paused. */
  private ticking(row: number): boolean {
    return !Number.isNaN(this.started[row]) && Number.isNaN(this.ended[row]) && !this.rare[row]?.paused_at;
  }

  private matcher(query: ListTasksQuery, since: number): Matcher {
    // Statuses and types as lookup tables by code: every row of a filtered list is tested.
    let statuses: Uint8Array | undefined;
    if (query.status) {
      statuses = new Uint8Array(TASK_STATUSES.length);
      for (const status of query.status.flatMap((s) => statusesForFilter(s) ?? [])) statuses[TASK_STATUSES.indexOf(status)] = 1;
    }
    let types: Uint8Array | undefined;
    if (query.task_type) {
      types = new Uint8Array(this.strings.length);
      for (const type of query.task_type) {
        const known = this.codeOf.get(type);
        if (known !== undefined) types[known] = 1;
      }
    }
    const code = (value: string | undefined) => (value === undefined ? undefined : (this.codeOf.get(value) ?? -2));
    // Codes as lookup tables too where several strings match: origins, and a dataset typed as its
    // name or its id in any case (people type it as they remember it).
    const lookup = (matches: (value: string) => boolean): Uint8Array => {
      const table = new Uint8Array(this.strings.length);
      this.strings.forEach((value, i) => value !== undefined && matches(value) && (table[i] = 1));
      return table;
    };
    const origins = query.origin && lookup((value) => (query.origin as readonly string[]).includes(value));
    const typed = query.dataset?.trim().toLowerCase();
    const dataset = typed === undefined ? undefined : lookup((value) => value.toLowerCase() === typed);
    const tag = code(query.tag);
    const datasetId = code(query.dataset_id);
    const user = code(query.user);
    const batch = code(query.batch);
    const pipeline = code(query.pipeline);
    const group = code(query.group);
    const schedule = code(query.schedule);
    const agent = code(query.agent);
    const node = code(query.node);
    const needle = query.q?.toLowerCase();
    const { created, status, codes, names } = this;
    const ids = this.ids;
    const test = (row: number): boolean =>
      created[row] >= since &&
      (types === undefined || types[codes.task_type[row]] === 1) &&
      (statuses === undefined || statuses[status[row]] === 1) &&
      (tag === undefined || codes.tag[row] === tag) &&
      (dataset === undefined || dataset[codes.dataset[row]] === 1 || dataset[codes.dataset_id[row]] === 1) &&
      (datasetId === undefined || codes.dataset_id[row] === datasetId) &&
      (user === undefined || codes.user[row] === user) &&
      (batch === undefined || codes.batch_id[row] === batch) &&
      (pipeline === undefined || codes.pipeline_id[row] === pipeline) &&
      (origins === undefined || origins[codes.origin[row]] === 1) &&
      (group === undefined || codes.group[row] === group) &&
      (schedule === undefined || codes.schedule_id[row] === schedule) &&
      (agent === undefined || codes.agent[row] === agent) &&
      (node === undefined || codes.node[row] === node) &&
      (needle === undefined || Boolean(names[row]?.toLowerCase().includes(needle)) || ids.get(row).toLowerCase().includes(needle));
    // The smallest group list among the filters, when there is one: only its rows are scanned.
    const lists: [GroupField, string][] = [];
    if (query.batch !== undefined) lists.push(['batch_id', query.batch]);
    if (query.pipeline !== undefined) lists.push(['pipeline_id', query.pipeline]);
    if (query.dataset_id !== undefined) lists.push(['dataset_id', query.dataset_id]);
    if (query.schedule !== undefined) lists.push(['schedule_id', query.schedule]);
    const smallest = lists.sort((a, b) => this.groupSize(...a) - this.groupSize(...b))[0];
    const filtered = [types, statuses, tag, dataset, datasetId, user, batch, pipeline, origins, group, schedule, agent, node, needle].some((f) => f !== undefined);
    return { test, filtered, list: smallest };
  }

  private scan(match: Matcher): number[] {
    const matches: number[] = [];
    if (match.list) {
      for (const row of this.groupRows(...match.list)) if (match.test(row)) matches.push(row);
      return matches;
    }
    const alive = this.alive;
    for (let row = 0; row < this.top; row++) if (alive[row] && match.test(row)) matches.push(row);
    return matches;
  }

  /** The first `count` rows in the sort order that pass `test`, from the kept orders. */
  private walk(sort: SortKey, direction: Order, now: number, count: number, test?: (row: number) => boolean): number[] {
    const out: number[] = [];
    if (sort !== 'duration') {
      const order = this.order(sort, direction, 'all');
      for (let i = 0; i < order.length && out.length < count; i++) {
        const row = order.rows[i];
        if (!test || test(row)) out.push(row);
      }
      return out;
    }
    // Durations: fixed ones in one order; ticking ones (now - start) in another, merged as read.
    const fixed = this.order('duration', direction, 'fixed');
    const ticking = this.order('duration', direction, 'ticking');
    const compare = this.comparator('duration', direction, now);
    let i = 0;
    let j = 0;
    while (out.length < count && (i < fixed.length || j < ticking.length)) {
      let row: number;
      if (j >= ticking.length || (i < fixed.length && compare(fixed.rows[i], ticking.rows[j]) <= 0)) row = fixed.rows[i++];
      else row = ticking.rows[j++];
      if (!test || test(row)) out.push(row);
    }
    return out;
  }

  /** A kept sorted order of the live rows, merged with the rows that changed since it was last read. */
  private order(sort: SortKey, direction: Order, part: Part): SortedRows {
    const key = `${sort}:${direction}:${part}`;
    const member = part === 'all' ? (row: number) => this.alive[row] === 1 : part === 'fixed' ? (row: number) => this.alive[row] === 1 && !this.ticking(row) : (row: number) => this.alive[row] === 1 && this.ticking(row);
    const compare = this.comparator(sort, direction, 0, part);
    let order = this.orders.get(key);
    if (!order?.pending) {
      const rows: number[] = [];
      for (let row = 0; row < this.top; row++) if (member(row)) rows.push(row);
      const sorted = Int32Array.from(rows).sort(compare);
      order = { rows: sorted, length: sorted.length, pending: new Set() };
      this.orders.set(key, order);
      return order;
    }
    if (order.pending.size === 0) return order;
    const marks = this.scratch;
    for (const row of order.pending) marks[row] = 1;
    let kept = 0;
    const rows = order.rows;
    for (let i = 0; i < order.length; i++) if (!marks[rows[i]]) rows[kept++] = rows[i];
    const added = Int32Array.from([...order.pending].filter(member)).sort(compare);
    for (const row of order.pending) marks[row] = 0;
    const merged = new Int32Array(kept + added.length);
    let from = 0;
    let at = 0;
    for (const row of added) {
      const position = firstIndex(rows, kept, (other) => compare(other, row) > 0, from);
      merged.set(rows.subarray(from, position), at);
      at += position - from;
      from = position;
      merged[at++] = row;
    }
    merged.set(rows.subarray(from, kept), at);
    const repaired = { rows: merged, length: merged.length, pending: new Set<number>() };
    this.orders.set(key, repaired);
    return repaired;
  }

  /**
   * The order of `GET /tasks`: by the key in the asked direction, nulls before every value, then
   * newest first, then by id. Kept duration orders compare without the clock: ticking durations
   * by their start (later start, shorter), fixed ones by their value.
   */
  private comparator(sort: SortKey, direction: Order, now: number, part: Part = 'all'): (a: number, b: number) => number {
    const sign = direction === 'asc' ? 1 : -1;
    const { created, ids } = this;
    const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const tie = (a: number, b: number) => (created[a] === created[b] ? byId(ids.get(a), ids.get(b)) : created[a] > created[b] ? -1 : 1);
    const key = this.keyOf(sort, now, part);
    return (a, b) => {
      const x = key(a);
      const y = key(b);
      if (x === y) return tie(a, b);
      if (x === null) return -sign;
      if (y === null) return sign;
      return (x < y ? -1 : 1) * sign || tie(a, b);
    };
  }

  private keyOf(sort: SortKey, now: number, part: Part): (row: number) => string | number | null {
    const text = (field: CodedField) => (row: number) => {
      const code = this.codes[field][row];
      return code === NONE ? null : this.strings[code]!;
    };
    switch (sort) {
      case 'time':
        return (row) => this.created[row];
      case 'status':
        // Lifecycle order (pending, ..., running, completed, failed, ...) reads better than A–Z.
        return (row) => this.status[row];
      case 'task_type':
        return text('task_type');
      case 'dataset':
        return text('dataset');
      case 'duration':
        if (part === 'ticking') return (row) => -(this.started[row] + (this.rare[row]?.paused_ms ?? 0));
        // A paused task's duration stopped when the pause began; an ended one's does not need the clock.
        if (part === 'fixed') return (row) => this.duration(row, this.rare[row]?.paused_at ? Date.parse(this.rare[row]!.paused_at!) : 0);
        return (row) => this.duration(row, now);
    }
  }

  private neighbourhood(start: number, depth: number, chosen: Set<number>): void {
    chosen.add(start);
    const walk = (next: (row: number) => Iterable<number>) => {
      let frontier = [start];
      for (let step = 0; step < depth && frontier.length > 0; step++) {
        const following: number[] = [];
        for (const row of frontier) {
          for (const neighbour of next(row)) {
            if (!chosen.has(neighbour)) {
              chosen.add(neighbour);
              following.push(neighbour);
            }
          }
        }
        frontier = following;
      }
    };
    walk((row) => this.upstreamRows(row));
    walk((row) => this.downstream.get(this.ids.get(row)) ?? []);
  }

  private upstreamRows(row: number): number[] {
    const rows: number[] = [];
    for (const id of this.upstreamIds(row)) {
      const upstream = this.rowOf.get(id);
      if (upstream !== undefined) rows.push(upstream);
    }
    return rows;
  }

  /** Follow-ups (triggered_by) of the chosen rows, and theirs, as the graph's group scopes include them. */
  private *addFollowUps(chosen: Set<number>): Generator<void> {
    const queue = [...chosen];
    for (let n = 1; queue.length > 0; n++) {
      if (n % GRAPH_ROWS_PER_STEP === 0) yield;
      const row = queue.pop()!;
      const id = this.ids.get(row);
      for (const downstream of this.downstream.get(id) ?? []) {
        if (this.rare[downstream]?.triggered_by === id && !chosen.has(downstream)) {
          chosen.add(downstream);
          queue.push(downstream);
        }
      }
    }
  }

  /** Tasks upstream of the chosen ones, their parents, and what blocks those: what the graph reads of them. */
  private *addBlockers(chosen: Set<number>): Generator<void> {
    const queue = [...chosen];
    const seen = new Set(chosen);
    for (let n = 1; queue.length > 0; n++) {
      if (n % GRAPH_ROWS_PER_STEP === 0) yield;
      const row = queue.pop()!;
      for (const upstream of this.upstreamRows(row)) {
        if (seen.has(upstream)) continue;
        seen.add(upstream);
        chosen.add(upstream);
        queue.push(upstream);
      }
    }
  }
}

/** A task id of the usual shape: an optional prefix (the task type, a readable name) and a UUID. */
const PACKABLE = /^(?:(.+)-)?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/;
const PLAIN = -1;
const BARE = -2;

/**
 * The id column: an id of the usual shape costs a prefix code (shared with the table's other
 * strings) and 16 bytes instead of a string of 60-odd bytes and its slot; any other id is kept as
 * it is. The string is made again when a row is read.
 */
class IdColumn {
  private prefix = new Int32Array(0);
  private uuid = new Uint32Array(0);
  private readonly plain = new Map<number, string>();

  constructor(
    private readonly intern: (value: string) => number,
    private readonly release: (code: number) => void,
    private readonly text: (code: number) => string,
  ) {}

  grow(capacity: number): void {
    const prefix = new Int32Array(capacity).fill(PLAIN);
    prefix.set(this.prefix);
    this.prefix = prefix;
    const uuid = new Uint32Array(capacity * 4);
    uuid.set(this.uuid);
    this.uuid = uuid;
  }

  set(row: number, id: string): void {
    const match = PACKABLE.exec(id);
    if (!match) {
      this.prefix[row] = PLAIN;
      this.plain.set(row, id);
      return;
    }
    this.prefix[row] = match[1] === undefined ? BARE : this.intern(match[1]);
    packUuid(match[2], this.uuid, row * 4);
  }

  clear(row: number): void {
    const prefix = this.prefix[row];
    if (prefix >= 0) this.release(prefix);
    this.prefix[row] = PLAIN;
    this.plain.delete(row);
  }

  get(row: number): string {
    const prefix = this.prefix[row];
    if (prefix === PLAIN) return this.plain.get(row)!;
    const uuid = uuidText(this.uuid, row * 4);
    return prefix === BARE ? uuid : `${this.text(prefix)}-${uuid}`;
  }
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** A lowercase UUID into four words at `at`. */
function packUuid(uuid: string, words: Uint32Array, at: number): void {
  const hex = uuid.replace(/-/g, '');
  for (let i = 0; i < 4; i++) words[at + i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
}

/** The four words at `at` as a UUID's text. */
function uuidText(words: Uint32Array, at: number): string {
  let hex = '';
  for (let i = 0; i < 4; i++) {
    const w = words[at + i];
    hex += HEX[w >>> 24] + HEX[(w >>> 16) & 255] + HEX[(w >>> 8) & 255] + HEX[w & 255];
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

const EMPTY = -1;
const DELETED = -2;

/**
 * Task id → row without a Map entry per task (about 40 bytes each at a million): an
 * open-addressing table of row numbers, at most half full, whose ids are compared through the
 * table's own id column. 8 bytes a task.
 */
class RowIndex {
  private slots = new Int32Array(1024).fill(EMPTY);
  /** Slots not EMPTY: rows and DELETED marks, which probes pass over. */
  private taken = 0;
  private count = 0;

  constructor(private readonly idOf: (row: number) => string | undefined) {}

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  get(id: string): number | undefined {
    const mask = this.slots.length - 1;
    for (let i = hashOf(id) & mask; ; i = (i + 1) & mask) {
      const row = this.slots[i];
      if (row === EMPTY) return undefined;
      if (row >= 0 && this.idOf(row) === id) return row;
    }
  }

  /** For an id not in the table. */
  set(id: string, row: number): void {
    // Sized for the live rows, so a table that keeps as many rows while they change does not grow.
    if ((this.taken + 1) * 2 > this.slots.length) this.rehash(Math.max(1024, 2 ** Math.ceil(Math.log2((this.count + 1) * 4))));
    const mask = this.slots.length - 1;
    let i = hashOf(id) & mask;
    while (this.slots[i] >= 0) i = (i + 1) & mask;
    if (this.slots[i] === EMPTY) this.taken += 1;
    this.slots[i] = row;
    this.count += 1;
  }

  delete(id: string): void {
    const mask = this.slots.length - 1;
    for (let i = hashOf(id) & mask; this.slots[i] !== EMPTY; i = (i + 1) & mask) {
      const row = this.slots[i];
      if (row >= 0 && this.idOf(row) === id) {
        this.slots[i] = DELETED;
        this.count -= 1;
        return;
      }
    }
  }

  /** Into a table of `size` slots (a power of two), dropping DELETED marks. */
  private rehash(size: number): void {
    const old = this.slots;
    this.slots = new Int32Array(size).fill(EMPTY);
    this.taken = 0;
    const mask = size - 1;
    for (const row of old) {
      if (row < 0) continue;
      let i = hashOf(this.idOf(row)!) & mask;
      while (this.slots[i] !== EMPTY) i = (i + 1) & mask;
      this.slots[i] = row;
      this.taken += 1;
    }
  }
}

/** FNV-1a over the id's UTF-16 code units. */
function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash >>> 0;
}

interface SortedRows {
  rows: Int32Array;
  length: number;
  /** Rows changed since the order was last read; undefined when it must be sorted again. */
  pending: Set<number> | undefined;
}

interface Matcher {
  test: (row: number) => boolean;
  filtered: boolean;
  list: [GroupField, string] | undefined;
}

export interface TableSnapshot {
  ids: string[];
  run_ids: string[];
  names: (string | null)[];
  messages: (string | null)[];
  rare: (Rare | null)[];
  created: Float64Array;
  ended: Float64Array;
  started: Float64Array;
  trigger: Float64Array;
  status: Uint8Array;
  progress: Uint8Array;
  strings: string[];
  codes: Record<CodedField, Int32Array>;
}

/** Rows a step of graphTaskSteps walks or makes into tasks. */
const GRAPH_ROWS_PER_STEP = 5000;
const DAY_MS = 86_400_000;
/** The year 10000, from where toISOString writes six-digit years. */
const ISO_END_MS = 253_402_300_800_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, '0'));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, '0'));
/** `YYYY-MM-DDT` of the days met lately (the window's fortnight, a few more). */
const dayTexts = new Map<number, string>();

/**
 * `new Date(ms).toISOString()`, or null for NaN: written from the day's text and the time of day,
 * at a tenth of toISOString's cost (3 µs here, most of materialising a row: 450 ms of a
 * 50,000-task graph's three dates a row).
 */
export function iso(ms: number): string | null {
  if (Number.isNaN(ms)) return null;
  if (!(ms >= 0 && ms < ISO_END_MS && Number.isInteger(ms))) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let dayText = dayTexts.get(day);
  if (dayText === undefined) {
    if (dayTexts.size >= 64) dayTexts.clear();
    dayText = new Date(day * DAY_MS).toISOString().slice(0, 11);
    dayTexts.set(day, dayText);
  }
  let rest = ms - day * DAY_MS;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return `${dayText}${TWO_DIGITS[hours]}:${TWO_DIGITS[minutes]}:${TWO_DIGITS[seconds]}.${THREE_DIGITS[rest - seconds * 1000]}Z`;
}

/** The first index in [from, length) where `past` holds, given it holds from some index on. */
function firstIndex(rows: Int32Array, length: number, past: (row: number) => boolean, from = 0): number {
  let lo = from;
  let hi = length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (past(rows[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
