import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import Long from 'long';
import { executionInfoFromRaw } from '@temporalio/client/lib/helpers';
import { defaultPayloadConverter, mapToPayloads, type SearchAttributePair } from '@temporalio/common';
import { encodeUnifiedSearchAttributes } from '@temporalio/common/lib/converter/payload-search-attributes';
import { loadDataConverter } from '@temporalio/common/lib/internal-non-workflow/data-converter-helpers';
import { temporal } from '@temporalio/proto';
import { SA, TASK_STATUSES, type TaskStatus } from '../core';
import { listTasksQuery, SORT_KEYS } from '../core/contract';
import { loadSnapshot } from '../api/indexSnapshot';
import { TaskIndex, WINDOW_MS } from '../api/taskIndex';
import { toTaskRecord } from '../api/taskRecord';
import { TaskTable } from '../api/taskTable';
import { median, round } from './stats';

/**
 * One window size of the index figures, in a process of its own so that its memory is its own:
 * `node --import tsx bench/indexScale.ts <tasks>` prints one JSON object. The rows are made as a
 * visibility list makes them (search attributes and memo encoded as the server sends them, through
 * the SDK's executionInfoFromRaw, then toTaskRecord) and loaded into the real TaskIndex through its
 * own first load; visibility is answered from memory here, so the figures are the index's own cost,
 * and its visibility calls are counted as the server would see them.
 */
const SIZE = Number(process.argv[2]);
const SAMPLES = 21;
const NOW = Date.now();
const STATUSES: TaskStatus[] = ['completed', 'completed', 'completed', 'completed', 'failed', 'running', 'running', 'pending', 'paused', 'aborted'];
const TYPES = ['command', 'command', 'command', 'enrichment', 'train', 'import', 'processInvoices'];
const EXECUTION: Record<string, temporal.api.enums.v1.WorkflowExecutionStatus> = { running: 1, completed: 2, failed: 3, aborted: 4 };
const BATCH_SIZE = 100;
const dataConverter = loadDataConverter();

/** Task `i` of the synthetic window: newest first, spread over 14 days, a tenth of them in batches of 100. */
function startMs(i: number): number {
  return NOW - 60_000 - Math.floor((i / SIZE) * (WINDOW_MS - 3_600_000));
}

function rawInfo(i: number): temporal.api.workflow.v1.IWorkflowExecutionInfo {
  const status = STATUSES[i % STATUSES.length];
  const start = startMs(i);
  const ended = ['completed', 'failed', 'aborted'].includes(status);
  const attributes: SearchAttributePair[] = [
    { key: SA.type, value: TYPES[i % TYPES.length] },
    { key: SA.status, value: status },
    { key: SA.progress, value: status === 'completed' ? 100 : i % 100 },
    { key: SA.updatedAt, value: new Date(start + 1000) },
    { key: SA.dataset, value: `dataset-${i % 50}` },
    { key: SA.user, value: `user-${i % 20}` },
    { key: SA.tag, value: `tag-${i % 200}` },
  ];
  if (status !== 'pending') attributes.push({ key: SA.startedAt, value: new Date(start + 2000 + (i % 7) * 1000) });
  // A tenth of the tasks in batches of 100 (the batches come in runs of consecutive tasks).
  if (Math.floor(i / 1000) % 10 === 0) attributes.push({ key: SA.batch, value: `batch-${Math.floor(i / BATCH_SIZE)}` });
  const memo: Record<string, unknown> = { name: `bench task ${i}` };
  if (status === 'failed') Object.assign(memo, { error: 'exit status 1', failed_step: 'running', exit_code: 1 });
  if (status === 'paused') Object.assign(memo, { paused_at: new Date(start + 60_000).toISOString() });
  if (i % 100 > 0 && Math.floor(i / 1000) % 10 === 0) memo.depends_on = [taskId(i - 1)];
  const seconds = (ms: number) => ({ seconds: Long.fromNumber(Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 });
  return {
    execution: { workflowId: taskId(i), runId: uuid(i) },
    type: { name: 'command' },
    status: EXECUTION[status] ?? 1,
    historyLength: Long.fromNumber(20),
    startTime: seconds(start),
    closeTime: ended ? seconds(start + 120_000 + (i % 600) * 1000) : undefined,
    memo: { fields: mapToPayloads(defaultPayloadConverter, memo) },
    searchAttributes: { indexedFields: Object.assign({}, ...attributes.map(encoded)) },
  };
}

/**
 * The row as the client gets it: encoded and decoded with the protobuf of a visibility answer.
 * Strings decoded from bytes are flat; the template-literal strings `rawInfo` builds are cons
 * strings (two parts and a pair), which the index would keep and which cost about twice as much.
 */
function overTheWire(raw: temporal.api.workflow.v1.IWorkflowExecutionInfo): temporal.api.workflow.v1.IWorkflowExecutionInfo {
  const proto = temporal.api.workflow.v1.WorkflowExecutionInfo;
  return proto.decode(proto.encode(raw).finish());
}

/** Each attribute encoded once per value, as the server would send it: making a million rows is not what is measured. */
const encodings = new Map<string, Record<string, temporal.api.common.v1.IPayload>>();
function encoded(pair: SearchAttributePair): Record<string, temporal.api.common.v1.IPayload> {
  // Times differ from row to row: encoded each time, so the cache holds only the few repeated values.
  if (pair.value instanceof Date || pair.key.name === SA.batch.name) return encodeUnifiedSearchAttributes(undefined, [pair]) as Record<string, temporal.api.common.v1.IPayload>;
  const key = `${pair.key.name}\u0000${String(pair.value)}`;
  let fields = encodings.get(key);
  if (!fields) {
    fields = encodeUnifiedSearchAttributes(undefined, [pair]) as Record<string, temporal.api.common.v1.IPayload>;
    encodings.set(key, fields);
  }
  return fields;
}

const taskId = (i: number) => `command-${uuid(i + 7)}`;

function uuid(i: number): string {
  const hex = (n: number, width: number) => (n >>> 0).toString(16).padStart(width, '0').slice(-width);
  const a = Math.imul(i, 2654435761);
  const b = Math.imul(i ^ 0x5bd1e995, 40503);
  return `${hex(a, 8)}-${hex(b, 4)}-4${hex(b >>> 8, 3)}-8${hex(a >>> 4, 3)}-${hex(i, 6)}${hex(a ^ b, 6)}`;
}

/** Visibility from memory: the window newest first, counts and ranges by start time, deletions. */
class MemoryVisibility {
  readonly deleted = new Set<number>();
  calls = { list: 0, count: 0 };

  client(): Client {
    return { workflow: { list: (options: { query: string }) => this.list(options.query), count: async (query: string) => this.count(query) } } as unknown as Client;
  }

  private range(query: string): [number, number] | undefined {
    if (query.includes('TaskdeckUpdatedAt')) return undefined; // a delta poll: nothing changed
    const from = /StartTime >= '([^']+)'/.exec(query);
    const to = /StartTime < '([^']+)'/.exec(query);
    return [from ? Date.parse(from[1]) : -Infinity, to ? Date.parse(to[1]) : Infinity];
  }

  private async *list(query: string): AsyncGenerator<WorkflowExecutionInfo> {
    this.calls.list += 1;
    const range = this.range(query);
    if (!range) return;
    for (let i = 0; i < SIZE; i++) {
      const start = startMs(i);
      if (this.deleted.has(i) || start < range[0] || start >= range[1]) continue;
      yield (await executionInfoFromRaw(overTheWire(rawInfo(i)), dataConverter, {}, 'default')) as WorkflowExecutionInfo;
    }
  }

  private count(query: string): { count: number } {
    this.calls.count += 1;
    const [from, to] = this.range(query)!;
    let count = 0;
    for (let i = 0; i < SIZE; i++) if (!this.deleted.has(i) && startMs(i) >= from && startMs(i) < to) count += 1;
    return { count };
  }
}

function timeSync(work: () => unknown): number {
  const started = performance.now();
  work();
  return performance.now() - started;
}

function p50(work: () => unknown): number {
  work();
  return round(median(Array.from({ length: SAMPLES }, () => timeSync(work))));
}

/**
 * The process's memory once garbage is gone: a full collection, a moment for V8 to free the
 * backing stores of dead typed arrays and Buffers (it does so after the collection, off the main
 * thread), and another. Measured right after a collection, a restart still counted its 230 MB
 * snapshot file.
 */
async function memoryMb(): Promise<{ rss_mb: number; heap_used_mb: number; heap_total_mb: number; array_buffers_mb: number }> {
  global.gc?.();
  await new Promise((r) => setTimeout(r, 200));
  global.gc?.();
  const m = process.memoryUsage();
  const mb = (n: number) => Math.round(n / 2 ** 20);
  return { rss_mb: mb(m.rss), heap_used_mb: mb(m.heapUsed), heap_total_mb: mb(m.heapTotal), array_buffers_mb: mb(m.arrayBuffers) };
}

async function run(): Promise<void> {
  const baseRss = (await memoryMb()).rss_mb;
  const visibility = new MemoryVisibility();
  const dataDir = mkdtempSync(join(tmpdir(), 'taskdeck-index-bench-'));
  const file = join(dataDir, 'index.snapshot');
  const snapshot = { file, source: 'bench/default', everyMs: 3_600_000 };
  // The first load as the API does it: one listing of the window, through toTaskRecord into the index.
  const index = new TaskIndex(visibility.client(), { pollMs: 3_600_000, checkMs: 3_600_000, snapshot, log: (message) => console.error(message) });
  const loadStarted = performance.now();
  index.start();
  await index.whenReady(30 * 60_000);
  const loadMs = performance.now() - loadStarted;
  const q = (input: Record<string, string | string[]>) => listTasksQuery.parse(input);
  const list = (input: Record<string, string | string[]>) => () => index.query(q(input));
  const smallBatch = `batch-${Math.floor(SIZE / 2 / BATCH_SIZE) - (Math.floor(SIZE / 2 / BATCH_SIZE) % 100)}`;
  const figures = {
    tasks: index.size,
    ...(await memoryMb()),
    rss_base_mb: baseRss,
    first_load_ms: round(loadMs),
    list_ms: {
      default: p50(list({})),
      filtered_type_status: p50(list({ task_type: 'command', status: 'pending', limit: '50' })),
      filtered_tag: p50(list({ tag: 'tag-7' })),
      filtered_batch: p50(list({ batch: smallBatch })),
      filtered_user_status_last_24h: p50(list({ user: 'user-3', status: 'R', within_hours: '24' })),
      search_q: p50(list({ q: 'task 4242' })),
      page_100_offset_5000: p50(list({ limit: '100', offset: '5000' })),
    },
    sort_ms: Object.fromEntries(
      SORT_KEYS.flatMap((sort) => (['desc', 'asc'] as const).map((order) => [`${sort}_${order}`, p50(list({ sort, order }))])),
    ),
    filtered_sort_ms: { duration_of_failed: p50(list({ status: 'failed', sort: 'duration' })), dataset_of_command: p50(list({ task_type: 'command', sort: 'dataset', order: 'asc' })) },
    count_ms: p50(() => index.query(q({ limit: '1' })).total),
    task_types_ms: p50(() => index.taskTypes()),
    graph_batch_of_100_ms: p50(() => index.graphTasks({ batch: smallBatch }, NOW)),
    ...(await changeFigures(index, q)),
  };
  const snapshotFigures = await snapshotRestart(index, file);
  const repair = await repairFigures(index, visibility);
  await index.stop();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(JSON.stringify({ ...figures, snapshot: snapshotFigures, repair }));
}

/** Changes arriving as polls bring them, then reads: the kept orders merge them instead of sorting again. */
async function changeFigures(index: TaskIndex, q: (input: Record<string, string>) => ReturnType<typeof listTasksQuery.parse>) {
  const times: { default: number[]; duration: number[]; put: number[] } = { default: [], duration: [], put: [] };
  for (let round_ = 0; round_ < SAMPLES; round_++) {
    const changed = await Promise.all(
      Array.from({ length: 100 }, async (_, k) => {
        const i = (round_ * 7919 + k * 104729) % SIZE;
        const info = (await executionInfoFromRaw(overTheWire(rawInfo(i)), dataConverter, {}, 'default')) as WorkflowExecutionInfo;
        const record = toTaskRecord(info);
        return { ...record, progress: (record.progress + 1 + round_) % 100, status: record.status === 'completed' ? record.status : TASK_STATUSES[round_ % 6], message: `round ${round_}` };
      }),
    );
    times.put.push(timeSync(() => changed.forEach((record) => index.put(record))));
    times.default.push(timeSync(() => index.query(q({}))));
    times.duration.push(timeSync(() => index.query(q({ sort: 'duration' }))));
  }
  return {
    after_100_changes_ms: { put_all_100: round(median(times.put)), default_list: round(median(times.default)), duration_sort: round(median(times.duration)) },
  };
}

/**
 * The snapshot written, then read by a fresh process with the API's V8 flags (and gc exposed, so
 * its memory is measured without garbage): what an API restart costs before its first delta poll.
 */
async function snapshotRestart(index: TaskIndex, file: string) {
  const saveStarted = performance.now();
  await index.save();
  const saveMs = performance.now() - saveStarted;
  const started = performance.now();
  const output = execFileSync(process.execPath, ['--expose-gc', '--heap-growing-percent=30', '--import', 'tsx', __filename, '--load', file], { encoding: 'utf8' });
  const restartMs = performance.now() - started;
  return { bytes: statSync(file).size, save_ms: round(saveMs), restart_process_ready_ms: round(restartMs), ...(JSON.parse(output) as object) };
}

/** A workflow deleted behind the index's back: found by the count check and repaired by bisecting. */
async function repairFigures(index: TaskIndex, visibility: MemoryVisibility) {
  visibility.deleted.add(Math.floor(SIZE / 3));
  const before = { ...index.stats };
  const calls = { ...visibility.calls };
  const started = performance.now();
  await index.checkWindow(Date.now());
  const ms = performance.now() - started;
  return {
    what: 'one task deleted from visibility: the count check finds it and bisects the window',
    repaired: index.size === SIZE - 1,
    visibility_calls: visibility.calls.count + visibility.calls.list - calls.count - calls.list,
    listed_rows: index.stats.repairListedRows - before.repairListedRows,
    seconds: round(ms / 1000),
    calls_per_second: round((visibility.calls.count + visibility.calls.list - calls.count - calls.list) / (ms / 1000)),
  };
}

/** The restarted side: loads the snapshot into a table, as the API's first load does. */
async function load(file: string): Promise<void> {
  const started = performance.now();
  let read = 0;
  // The snapshot read is garbage once the table is built, as in TaskIndex's first load: its
  // memory is measured after it is gone.
  const table = await (async () => {
    const snapshot = await loadSnapshot(file, 'bench/default');
    read = performance.now();
    return TaskTable.fromSnapshot(snapshot!.table);
  })();
  const ready = performance.now();
  table.query(listTasksQuery.parse({}));
  const first = performance.now();
  console.log(JSON.stringify({ restart_read_ms: round(read - started), restart_table_ms: round(ready - read), restart_first_list_ms: round(first - ready), restart_memory: await memoryMb(), tasks: table.size }));
}

(process.argv[2] === '--load' ? load(process.argv[3]) : run()).catch((err) => {
  console.error(err);
  process.exit(1);
});
