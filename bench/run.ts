import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection } from '@temporalio/worker';
import type { SearchAttributePair } from '@temporalio/common';
import { SA } from '../core';
import { windowQuery } from '../api/visibilityQuery';
import { openBrowser } from '../test/e2e/browser';
import { ROOT, startStack, type Stack } from '../test/support/stack';
import { graphFigures } from './graph';
import { graphScaleFigures } from './graphScale';
import { graphServeFigures } from './graphServe';
import { indexFigures } from './index';
import { pluginFigures } from './plugin';
import { followEvents } from './sse';
import { median, percentile, pool, round, sample, target, timed } from './stats';

/**
 * `npm run bench`: starts its own stack, seeds tasks, and prints one JSON object of figures, each
 * next to what the raw Temporal client does in the same run. Not part of `npm test`.
 */
const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const RUNNING = Number(process.env.BENCH_RUNNING ?? 1000);
const SSE_CLIENTS = 100;
/** Tasks started among the running ones to time status changes that no API call caused. */
const FINISHERS = 20;
const SAMPLES = 31;
const CONCURRENCY = 32;
const STARTS = 320;
const START_ROUNDS = 10;
/** A queue no worker polls: seeded tasks stay pending in the window, which is all a list needs. */
const IDLE_QUEUE = 'taskdeck-bench-idle';
const WINDOW_MS = 14 * 24 * 3600 * 1000;
const STARTS_TAG = 'bench-starts';
interface Task {
  id: string;
  status: string;
  timeline?: { status: string; at: string }[];
}

interface Bench {
  stack: Stack;
  client: Client;
  http: Http;
}

interface SectionSpec {
  title: string;
  needsWindow: boolean;
  /** False: measured without the bench's stack (the section starts what it measures itself). */
  needsStack?: false;
  measure: (bench: Bench) => Promise<object>;
}

/**
 * The figures, in the order a full run takes them. Starts come after events, so that figure 7's
 * window holds the 10,000 seeded tasks and not the thousands the start rounds add, and the graph
 * comes last for the same reason. `needsWindow`: measured with the 10,000 seeded tasks in the window.
 */
const SECTIONS: Record<'list' | 'index' | 'sort' | 'table_first_rows' | 'progress' | 'plugin' | 'events' | 'starts' | 'graph' | 'graph_scale' | 'graph_serve', SectionSpec> = {
  list: { title: 'list', needsWindow: true, measure: ({ client, http }) => listFigures(client, http) },
  index: {
    title: 'the task index at 10k, 100k and 1M tasks',
    needsWindow: true,
    measure: async ({ client, http }) =>
      indexFigures(await listFigures(client, http), async () => (await http.get<{ index: { visibilityCalls: number } }>('/healthz')).index.visibilityCalls),
  },
  sort: { title: 'sort', needsWindow: true, measure: ({ http }) => sortFigures(http) },
  table_first_rows: { title: 'first rows', needsWindow: true, measure: ({ stack }) => firstRowsFigures(stack) },
  progress: { title: 'progress', needsWindow: false, measure: ({ client, http }) => progressFigures(client, http) },
  plugin: { title: 'the plugin against the same workflow without it', needsWindow: false, measure: ({ stack }) => pluginFigures(stack.temporalAddress) },
  events: { title: `${RUNNING} running tasks and ${SSE_CLIENTS} event clients`, needsWindow: true, measure: ({ stack, client, http }) => eventFigures(http, stack, client) },
  starts: { title: 'starts', needsWindow: false, measure: startFigures },
  graph: { title: 'the graph page at 100, 1,000 and 5,000 tasks', needsWindow: false, measure: ({ stack, client }) => graphFigures(stack, client, IDLE_QUEUE) },
  graph_scale: { title: 'graphs of 5,000 to 50,000 tasks: ELK and the layered layout, and the page at 50,000', needsWindow: false, measure: ({ stack }) => graphScaleFigures(stack) },
  graph_serve: { title: 'serving a 50,000-task graph, and the other requests meanwhile', needsWindow: false, needsStack: false, measure: () => graphServeFigures() },
};
type Section = keyof typeof SECTIONS;

/**
 * `BENCH_ONLY=events` (or `starts,progress`, ...) runs those sections alone, seeding the window
 * only if one of them needs it, and writes `bench/results/<sections>.json` instead of latest.json.
 */
function selectedSections(): Section[] {
  const only = process.env.BENCH_ONLY;
  if (only === undefined) return Object.keys(SECTIONS) as Section[];
  const chosen = only.split(',').map((name) => name.trim());
  const unknown = chosen.filter((name) => !(name in SECTIONS));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: no section ${unknown.join(', ')}; the sections are ${Object.keys(SECTIONS).join(', ')}`);
  return (Object.keys(SECTIONS) as Section[]).filter((name) => chosen.includes(name));
}

async function run(): Promise<void> {
  const sections = selectedSections();
  const all = sections.length === Object.keys(SECTIONS).length;
  const results: Record<string, unknown> = { date: new Date().toISOString() };
  if (sections.some((name) => SECTIONS[name].needsStack !== false)) await withStack(sections, results);
  else for (const name of sections) await measureSection(name, undefined, results);
  report(results, all ? 'latest.json' : `${sections.join('-')}.json`);
}

async function measureSection(name: Section, bench: Bench | undefined, results: Record<string, unknown>): Promise<void> {
  log(SECTIONS[name].title);
  results[name] = await figure(() => SECTIONS[name].measure(bench!));
}

async function withStack(sections: Section[], results: Record<string, unknown>): Promise<void> {
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  // Every one of the running tasks holds an activity slot while its process sleeps.
  const stack = await startStack('bench', 'taskdeck-bench', { TASKDECK_WORKER_ACTIVITIES: String(RUNNING + 100) });
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const bench: Bench = { stack, client: new Client({ connection }), http: httpClient(stack.apiUrl) };
  try {
    if (sections.some((name) => SECTIONS[name].needsWindow)) {
      log(`seeding ${TASKS} tasks`);
      await pool(TASKS, CONCURRENCY, (i) => startRaw(bench.client, IDLE_QUEUE, `bench-seed-${i}`, { command: 'true' }, i).then(() => undefined));
      await waitForIndex(bench.http, TASKS);
      results.tasks_in_window = TASKS;
    }
    for (const name of sections) await measureSection(name, bench, results);
    if (sections.includes('graph')) results.web_bundle_gzip_bytes = bundleSize(resolve(ROOT, 'web/dist'));
  } finally {
    await connection.close();
    await stack.stop();
  }
}

/** Prints the figures as JSON and keeps them in bench/results/. */
function report(results: object, file: string): void {
  const json = JSON.stringify(results, null, 2);
  mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
  writeFileSync(resolve(ROOT, 'bench/results', file), `${json}\n`);
  console.log(json);
}

/** #1: a filtered page of the 14-day window, Taskdeck's API against the same visibility query. */
async function listFigures(client: Client, http: Http) {
  const since = new Date(Date.now() - WINDOW_MS);
  const query = `${windowQuery(since)} AND ${SA.type.name} = 'command' AND ${SA.status.name} = 'pending'`;
  const raw = await sample(SAMPLES, () =>
    timed(async () => {
      let n = 0;
      for await (const _ of client.workflow.list({ query, pageSize: 50 })) if (++n === 50) break;
    }),
  );
  const api = await sample(SAMPLES, () => timed(() => http.get('/tasks?limit=50&within_hours=336&task_type=command&status=pending')));
  return {
    what: `GET /tasks?limit=50&within_hours=336&task_type=command&status=pending over ${TASKS} tasks, against client.workflow.list of the same 50 (${SAMPLES} samples)`,
    api_ms: { p50: round(median(api)), p95: round(percentile(api, 95)) },
    raw_client_ms: { p50: round(median(raw)), p95: round(percentile(raw, 95)) },
    ratio_p50: target(median(api) / median(raw), 1.15, 'max'),
    ratio_p95: target(percentile(api, 95) / percentile(raw, 95), 1.15, 'max'),
  };
}

/** #2: sorting by duration (computed per row) against the default time sort. */
async function sortFigures(http: Http) {
  const byTime = await sample(SAMPLES, () => timed(() => http.get('/tasks?limit=50&within_hours=336')));
  const byDuration = await sample(SAMPLES, () => timed(() => http.get('/tasks?limit=50&within_hours=336&sort=duration')));
  return {
    what: `GET /tasks?limit=50&within_hours=336&sort=duration against the default sort, ${TASKS} tasks (${SAMPLES} samples)`,
    duration_sort_ms: round(median(byDuration)),
    default_sort_ms: round(median(byTime)),
    ratio: target(median(byDuration) / median(byTime), 2, 'max'),
  };
}

async function firstRowsFigures(stack: Stack) {
  const browser = await openBrowser(stack.apiUrl);
  try {
    const load = await sample(7, () =>
      timed(async () => {
        await browser.page.goto('/', { waitUntil: 'commit' });
        await browser.page.locator('tbody tr').first().waitFor();
      }),
    );
    return { what: `a page load in Chromium until the task table's first row shows, ${TASKS} tasks in the window (median of 7)`, page_load_ms: round(median(load)) };
  } finally {
    await browser.close();
  }
}

/**
 * #3: starts per second through the API against client.workflow.start, all at concurrency 32.
 * The raw side is the client as Temporal documents it (`Connection`, gRPC in JavaScript). The API
 * runs its client on a NativeConnection (runtime/connection.ts), so a third side, the raw client
 * on a NativeConnection, shows what the API costs over the same transport.
 * The worker runs every started task at once, which loads this 2-core machine for a while after
 * each round: each side starts only once the tasks before it have finished, and the sides take
 * turns going first, so none measures on a quieter machine than the others. The CPU each
 * process spent per start shows where a side's time goes: all of them share the same two cores.
 */
async function startFigures(bench: Bench) {
  const { stack, http } = bench;
  const native = await NativeConnection.connect({ address: stack.temporalAddress });
  const nativeClient = new Client({ connection: native });
  let started = 0;
  // Finished as the API's index sees them, once it has listed every task started so far.
  const allFinished = async () =>
    (await http.get<Task[]>(`/tasks?tag=${STARTS_TAG}&within_hours=336&limit=1`, true)).total >= started &&
    (await http.get<Task[]>(`/tasks?tag=${STARTS_TAG}&within_hours=336&status=Q&status=R&limit=1`, true)).total === 0;
  const cpuNow = () => {
    const own = process.cpuUsage();
    return { bench_client: (own.user + own.system) / 1000, api: readCpuMs(stack.apiPid), temporal_server: readCpuMs(stack.temporalPid) };
  };
  type Cpu = ReturnType<typeof cpuNow>;
  const sides = {
    api: () => http.post('/tasks', { type: 'command', tag: STARTS_TAG, input: { command: 'true' } }),
    raw: (i: number) => startRaw(bench.client, stack.taskQueue, `bench-raw-${randomUUID()}`, { command: 'true' }, i, STARTS_TAG),
    raw_native_connection: (i: number) => startRaw(nativeClient, stack.taskQueue, `bench-raw-${randomUUID()}`, { command: 'true' }, i, STARTS_TAG),
  };
  type Side = keyof typeof sides;
  const order = Object.keys(sides) as Side[];
  const perSecond = Object.fromEntries(order.map((name) => [name, [] as number[]])) as Record<Side, number[]>;
  const cpu = Object.fromEntries(order.map((name) => [name, { bench_client: 0, api: 0, temporal_server: 0 }])) as Record<Side, Cpu>;
  try {
    for (let round_ = 0; round_ < START_ROUNDS; round_++) {
      for (let turn = 0; turn < order.length; turn++) {
        const name = order[(round_ + turn) % order.length];
        await waitFor('the started tasks to finish', allFinished, 15 * 60_000);
        const before = cpuNow();
        const ms = await timed(() => pool(STARTS, CONCURRENCY, async (i) => void (await sides[name](i))));
        const after = cpuNow();
        for (const key of Object.keys(before) as (keyof Cpu)[]) cpu[name][key] += after[key] - before[key];
        started += STARTS;
        perSecond[name].push(STARTS / (ms / 1000));
      }
    }
    // The next figures time single tasks: let the worker finish these first.
    await waitFor('the started tasks to finish', allFinished, 15 * 60_000);
  } finally {
    await native.close();
  }
  const perStart = (side: Side) => Object.fromEntries(Object.entries(cpu[side]).map(([key, ms]) => [key, round(ms / (STARTS * START_ROUNDS))]));
  const rate = (side: Side) => median(perSecond[side]);
  return {
    what: `${STARTS} starts at concurrency ${CONCURRENCY}, ${START_ROUNDS} rounds taking turns, each on an idle worker: POST /tasks against client.workflow.start`,
    api_per_second: round(rate('api')),
    raw_client_per_second: round(rate('raw')),
    raw_native_connection_per_second: round(rate('raw_native_connection')),
    rounds: Object.fromEntries(order.map((name) => [name, perSecond[name].map(round)])),
    cpu_ms_per_start: Object.fromEntries(order.map((name) => [name, perStart(name)])),
    ratio: target(rate('api') / rate('raw'), 0.9, 'min'),
    ratio_to_native_connection_client: round(rate('api') / rate('raw_native_connection')),
  };
}

const PROGRESS_PAIRS = 9;

/** #4 and #5: a command that reports progress 10,000 times, against the same work without reports. */
async function progressFigures(client: Client, http: Http) {
  const work = (report: boolean) =>
    `awk 'BEGIN { for (i = 1; i <= 10000; i++) { print ${report ? '"PROGRESS " int(i / 100) " item " i' : '"item " i'}; fflush(); for (j = 0; j < 3000; j++) x += j } }'`;
  const runningMs = async (report: boolean) => {
    const task = await http.post<Task>('/tasks', { type: 'command', input: { command: work(report) } });
    const done = await waitForTask(http, task.id, ['completed']);
    const at = (status: string) => Date.parse(done.timeline!.find((e) => e.status === status)!.at);
    return { ms: at('completed') - at('running'), id: task.id };
  };
  const withReports: number[] = [];
  const without: number[] = [];
  let historyLength = 0;
  for (let i = 0; i < PROGRESS_PAIRS; i++) {
    // The two take turns going first: load left over from the section before fades meanwhile,
    // and a fixed order put all of it on one side.
    for (const report of i % 2 === 0 ? [true, false] : [false, true]) {
      const run = await runningMs(report);
      if (!report) {
        without.push(run.ms);
        continue;
      }
      withReports.push(run.ms);
      historyLength = Math.max(historyLength, (await client.workflow.getHandle(run.id).describe()).historyLength);
    }
  }
  return {
    what: `a command printing 10,000 PROGRESS lines, against the same command printing plain lines (${PROGRESS_PAIRS} pairs taking turns, running step wall time)`,
    history_events: target(historyLength, 150, 'max'),
    with_reports_ms: round(median(withReports)),
    without_reports_ms: round(median(without)),
    ratio: target(median(withReports) / median(without), 1.05, 'max'),
  };
}

/** #6 and #7: change → /events delivery with many running tasks and clients; visibility calls; API memory. */
async function eventFigures(http: Http, stack: Stack, client: Client) {
  const ids: string[] = [];
  await pool(RUNNING, CONCURRENCY, async () => void ids.push((await http.post<Task>('/tasks', { type: 'command', input: { command: 'sleep 900' } })).id));
  await waitFor(`${RUNNING} running tasks`, async () => (await http.get<Task[]>(`/tasks?status=running&within_hours=336&limit=1`, true)).total >= RUNNING, 15 * 60_000);

  const arrivals = new Map<string, number[]>();
  const completions = new Map<string, number[]>();
  const clients = await Promise.all(
    Array.from({ length: SSE_CLIENTS }, () =>
      followEvents(stack.apiUrl, (event, at) => {
        if (event.status === 'aborted') arrivals.get(event.id)?.push(at);
        // Compared with a workflow's wall-clock timestamp: the wall clock here too.
        if (event.status === 'completed') completions.get(event.id)?.push(Date.now());
      }),
    ),
  );
  const rssMb = readRssMb(stack.apiPid);
  const before = await http.get<{ index: { visibilityCalls: number } }>('/healthz');
  const started = performance.now();
  const latencies: number[] = [];
  const changes = ids.slice(0, 30);
  for (const id of changes) {
    arrivals.set(id, []);
    const sent = performance.now();
    await http.post(`/tasks/${id}/abort`, {});
    await waitFor(`abort of ${id} on every client`, async () => (arrivals.get(id)?.length ?? 0) >= SSE_CLIENTS, 30_000);
    latencies.push(...arrivals.get(id)!.map((at) => at - sent));
  }
  const seconds = (performance.now() - started) / 1000;
  const after = await http.get<{ index: { visibilityCalls: number; tasks: number } }>('/healthz');

  // The same for the changes nobody asked the API for: tasks completing on their own, timed from
  // when their workflow recorded `completed` (its timeline, same clock) to each client's event.
  const finishers = await Promise.all(Array.from({ length: FINISHERS }, () => http.post<Task>('/tasks', { type: 'command', input: { command: 'sleep 2' } })));
  for (const { id } of finishers) completions.set(id, []);
  // Where the time goes: when Temporal's visibility first lists each finisher as completed (one
  // query for all of them, five times a second), which is what the API's poll can see at best.
  const listedAt = new Map<string, number>();
  const visibilityQuery = `WorkflowId IN (${finishers.map(({ id }) => `'${id}'`).join(', ')}) AND ExecutionStatus = 'Completed'`;
  let watching = true;
  const watcher = (async () => {
    while (watching && listedAt.size < finishers.length) {
      for await (const execution of client.workflow.list({ query: visibilityQuery })) if (!listedAt.has(execution.workflowId)) listedAt.set(execution.workflowId, Date.now());
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  await waitFor(`${FINISHERS} completions on every client`, async () => finishers.every(({ id }) => completions.get(id)!.length >= SSE_CLIENTS), 120_000);
  watching = false;
  await watcher;
  const natural: number[] = [];
  const visibilityLag: number[] = [];
  for (const { id } of finishers) {
    const detail = await http.get<Task>(`/tasks/${id}`);
    const completedAt = Date.parse(detail.timeline!.find((step) => step.status === 'completed')!.at);
    natural.push(...completions.get(id)!.map((arrival) => arrival - completedAt));
    if (listedAt.has(id)) visibilityLag.push(listedAt.get(id)! - completedAt);
  }
  const peakRssMb = Math.max(rssMb, readRssMb(stack.apiPid));
  for (const c of clients) c.close();
  await pool(ids.length - changes.length, CONCURRENCY, (i) => http.post(`/tasks/${ids[changes.length + i]}/abort`, {}).then(() => undefined));
  // The sections after this one time tasks of their own: leave them an idle worker.
  await waitFor('the aborted tasks to end', async () => (await http.get<Task[]>('/tasks?status=running&within_hours=336&limit=1', true)).total === 0, 10 * 60_000);
  const callsPerSecond = (after.index.visibilityCalls - before.index.visibilityCalls) / seconds;
  return {
    what: `${changes.length} aborts among ${RUNNING} running tasks, each timed from the request until all ${SSE_CLIENTS} SSE clients got the aborted event`,
    delivery_p95_ms: target(percentile(latencies, 95), 1500, 'max'),
    delivery_p50_ms: round(median(latencies)),
    completion_delivery: {
      what: `${FINISHERS} tasks completing on their own among the running ones, from the workflow's completed step to each of the ${SSE_CLIENTS} clients`,
      p95_ms: target(percentile(natural, 95), 1500, 'max'),
      p50_ms: round(median(natural)),
      of_which_visibility_lag_p50_ms: round(median(visibilityLag)),
    },
    visibility_calls_per_second: target(callsPerSecond, 2, 'max'),
    api_rss_mb: { ...target(peakRssMb, 200, 'max'), with: `${SSE_CLIENTS} SSE clients and ${after.index.tasks} tasks in the API's index` },
  };
}

function startRaw(client: Client, taskQueue: string, workflowId: string, input: unknown, i: number, tag?: string) {
  const attributes: SearchAttributePair[] = [
    ...(tag ? [{ key: SA.tag, value: tag }] : []),
    { key: SA.type, value: 'command' },
    { key: SA.status, value: 'pending' },
    { key: SA.progress, value: 0 },
    { key: SA.updatedAt, value: new Date() },
    { key: SA.dataset, value: `dataset-${i % 50}` },
  ];
  return client.workflow.start('command', { taskQueue, workflowId, args: [{ input, name: `bench task ${i}` }], typedSearchAttributes: attributes, memo: { name: `bench task ${i}` } });
}

/** One figure's section: a section that fails is reported as such, and the others still run. */
async function figure<T>(measure: () => Promise<T>): Promise<T | { error: string }> {
  try {
    return await measure();
  } catch (err) {
    log(`failed: ${(err as Error).message}`);
    return { error: (err as Error).message };
  }
}

type Http = ReturnType<typeof httpClient>;

/**
 * The bench's HTTP client: node:http over kept-alive sockets. The load generator shares this
 * machine's two cores with the API and the server, and `fetch` spends about a millisecond more CPU
 * per request than node:http, which a client on its own machine would not take from either.
 */
function httpClient(apiUrl: string) {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const send = (method: 'GET' | 'POST', path: string, body?: unknown) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers = payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) };
    return new Promise<{ status: number; text: string; headers: IncomingHttpHeaders }>((resolve, reject) => {
      const req = request(`${apiUrl}${path}`, { method, agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    }).then((res) => {
      if (res.status >= 300) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
      return res;
    });
  };
  async function get<T>(path: string): Promise<T>;
  async function get<T>(path: string, withTotal: true): Promise<{ body: T; total: number }>;
  async function get<T>(path: string, withTotal?: true) {
    const res = await send('GET', path);
    const body = JSON.parse(res.text) as T;
    return withTotal ? { body, total: Number(res.headers['x-total-count']) } : body;
  }
  const post = async <T = unknown>(path: string, body: unknown): Promise<T> => JSON.parse((await send('POST', path, body)).text) as T;
  return { get, post };
}

async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function waitForIndex(http: Http, count: number): Promise<void> {
  await waitFor(`the API to index ${count} tasks`, async () => (await http.get<{ index: { tasks: number } }>('/healthz')).index.tasks >= count, 10 * 60_000);
}

async function waitForTask(http: Http, id: string, statuses: string[]): Promise<Task> {
  let task: Task | undefined;
  await waitFor(`task ${id}`, async () => statuses.includes((task = await http.get<Task>(`/tasks/${id}`)).status), 10 * 60_000);
  return task!;
}

function readRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.replace(/\D+/g, '')) / 1024;
}

/** CPU time (user + system) a process has spent so far, from /proc: clock ticks of 1/100 s on Linux. */
function readCpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * Gzipped size of the web app: what the first page load fetches (the files index.html names),
 * the pages loaded on demand, and the graph's layout worker (ELK), loaded by graph pages only.
 */
function bundleSize(webDir: string): { initial: number; on_demand: number; layout_worker: number; total: number } {
  const assets = join(webDir, 'assets');
  const named = new Set([...readFileSync(join(webDir, 'index.html'), 'utf8').matchAll(/(?:src|href)="\/assets\/([^"]+)"/g)].map((m) => m[1]));
  const sizes = { initial: 0, on_demand: 0, layout_worker: 0, total: 0 };
  for (const file of readdirSync(assets).filter((f) => f.endsWith('.js') || f.endsWith('.css'))) {
    const bytes = gzipSync(readFileSync(join(assets, file))).length;
    sizes[named.has(file) ? 'initial' : file.startsWith('layout.worker') ? 'layout_worker' : 'on_demand'] += bytes;
    sizes.total += bytes;
  }
  return sizes;
}

const log = (message: string) => console.error(`bench: ${message}`);

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
