import { fork, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Client } from '@temporalio/client';
import express from 'express';
import { createApp, type AppDeps } from '../api/app';
import { TaskIndex } from '../api/taskIndex';
import { graphJson } from '../api/routes/graph';
import { allSteps, buildTaskGraph, taskGraphSteps } from '../core/graph';
import { STATUS_CODE } from '../core';
import type { TaskRecord } from '../core/contract';
import { seededStatus } from '../test/support/seededGraph';
import { SHAPES, type ShapeName } from './graphShape';
import { median, round } from './stats';

/**
 * Issue 20: what serving a 50,000-task `GET /graph` costs the API's other requests. The API runs
 * in a process of its own (`node --import tsx bench/graphServe.ts serve`): the real Express app
 * and the real TaskIndex, holding the graph's rows and 10,000 other tasks (visibility answered
 * from memory, so nothing but the graph runs there). The bench asks for the graph while a client
 * lists `GET /tasks?limit=50` back to back, and the API process reports the longest stall of its
 * event loop meanwhile. Side by side: the route as it is, and the answer made and sent in one
 * piece as the route did before (`/bench/graph-in-one-piece`: the same graph, one
 * JSON.stringify), each with and without gzip. Then where the time of one answer goes, step by
 * step, in the API process.
 */
const N = 50_000;
const OTHER_TASKS = 10_000;
const SAMPLES = 3;
const SHAPE_NAMES: ShapeName[] = ['layered', 'chain'];
const BATCH = (shape: ShapeName) => `bench-serve-${shape}`;

type Ask = { kind: 'reset' } | { kind: 'longest' } | { kind: 'steps'; shape: ShapeName };

export async function graphServeFigures() {
  const api = await startApi();
  try {
    const serving: Record<string, unknown> = {};
    for (const shape of SHAPE_NAMES) {
      for (const route of ['route', 'in_one_piece'] as const) {
        for (const encoding of ['identity', 'gzip'] as const) {
          progress(`${shape}: ${route}, ${encoding}`);
          const samples = [];
          for (let i = 0; i < SAMPLES; i++) samples.push(await serveOnce(api, shape, route, encoding));
          serving[`${shape}_${route}_${encoding}`] = {
            answer_ms: round(median(samples.map((s) => s.answerMs))),
            bytes_sent: median(samples.map((s) => s.bytes)),
            longest_event_loop_block_ms: round(Math.max(...samples.map((s) => s.longestBlockMs))),
            longest_tasks_list_meanwhile_ms: round(Math.max(...samples.map((s) => s.longestListMs))),
            tasks_lists_meanwhile: median(samples.map((s) => s.lists)),
          };
        }
      }
    }
    const steps: Record<string, unknown> = {};
    for (const shape of SHAPE_NAMES) steps[shape] = await api.ask({ kind: 'steps', shape });
    return {
      what: `GET /graph of ${N} tasks (bench/graphShape.ts's layered shape and a chain, statuses as the seeded batches have them) from the API in a process of its own with ${OTHER_TASKS} more tasks in its index, while a client lists GET /tasks?limit=50 back to back: the answer's time and bytes, the API's longest event-loop block (monitorEventLoopDelay) and the slowest list meanwhile (worst of ${SAMPLES}); route: GET /graph as it is; in_one_piece: the same graph built and sent with one JSON.stringify, as the route did before; then the steps of one answer in the API process (median of ${SAMPLES})`,
      serving,
      steps,
    };
  } finally {
    api.stop();
  }
}

function progress(step: string): void {
  console.error(`  graph_serve: ${step}`);
}

interface Api {
  url: string;
  ask: (question: Ask) => Promise<unknown>;
  stop: () => void;
}

async function startApi(): Promise<Api> {
  const child: ChildProcess = fork(__filename, ['serve'], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], env: process.env });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('message', (message) => resolve((message as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`the bench's API exited with ${code}`)));
  });
  const ask = (question: Ask) =>
    new Promise<unknown>((resolve) => {
      child.once('message', resolve);
      child.send(question);
    });
  return { url, ask, stop: () => child.kill() };
}

async function serveOnce(api: Api, shape: ShapeName, route: 'route' | 'in_one_piece', encoding: 'identity' | 'gzip') {
  const path = `${route === 'route' ? '/graph' : '/bench/graph-in-one-piece'}?batch=${BATCH(shape)}`;
  await api.ask({ kind: 'reset' });
  let serving = true;
  let longestListMs = 0;
  let lists = 0;
  const lister = (async () => {
    while (serving) {
      const started = performance.now();
      await get(`${api.url}/tasks?limit=50`, 'identity');
      longestListMs = Math.max(longestListMs, performance.now() - started);
      lists += 1;
    }
  })();
  const started = performance.now();
  const { bytes } = await get(`${api.url}${path}`, encoding);
  const answerMs = performance.now() - started;
  serving = false;
  await lister;
  const longestBlockMs = (await api.ask({ kind: 'longest' })) as number;
  return { answerMs, bytes, longestBlockMs, longestListMs, lists };
}

/** The raw bytes of an answer, as sent (not decompressed). */
function get(url: string, encoding: 'identity' | 'gzip'): Promise<{ bytes: number }> {
  return new Promise((resolve, reject) => {
    request(url, { headers: { 'accept-encoding': encoding } }, (res) => {
      let bytes = 0;
      res.on('data', (chunk: Buffer) => (bytes += chunk.length));
      res.on('end', () => (res.statusCode === 200 ? resolve({ bytes }) : reject(new Error(`${url}: ${res.statusCode}`))));
      res.on('error', reject);
    })
      .on('error', reject)
      .end();
  });
}

/** The rows of the bench's graph, as the index holds them. */
export function graphRecords(shape: ShapeName, now: number): TaskRecord[] {
  const batch = BATCH(shape);
  return SHAPES[shape](N).dependsOn.map((upstream, i) => {
    const status = seededStatus(i, N);
    const started = status === 'pending' ? null : new Date(now - ((i % 13) + 1) * 60_000).toISOString();
    return record(`${batch}-${i}`, now - (N - i) * 10, {
      name: `step ${i}`,
      status,
      task_status: STATUS_CODE[status],
      progress: status === 'completed' ? 100 : status === 'running' ? 50 : 0,
      started_at: started,
      end_date: status === 'completed' || status === 'failed' ? new Date(now).toISOString() : null,
      error: status === 'failed' ? 'exit code 1' : null,
      batch_id: batch,
      depends_on: upstream.map((j) => `${batch}-${j}`),
      origin: 'batch',
    });
  });
}

function record(id: string, created: number, fields: Partial<TaskRecord>): TaskRecord {
  const createdAt = new Date(created).toISOString();
  return {
    id,
    task_type: 'command',
    task_status: STATUS_CODE.pending,
    tag: null,
    created_at: createdAt,
    end_date: null,
    name: null,
    status: 'pending',
    progress: 0,
    message: null,
    dataset: null,
    dataset_id: null,
    user: null,
    started_at: null,
    duration_ms: null,
    paused_ms: 0,
    paused_at: null,
    error: null,
    failed_step: null,
    exit_code: null,
    retry_of: null,
    batch_id: null,
    triggered_by: null,
    depends_on: [],
    pipeline_id: null,
    origin: 'adhoc',
    schedule_id: null,
    trigger_time: createdAt,
    group: null,
    agent: null,
    parent_id: null,
    run_id: `run-${id}`,
    node: null,
    allocation: null,
    ...fields,
  };
}

/** The API process of the figures: the real app and index, visibility answered from memory. */
async function serve(): Promise<void> {
  const now = Date.now();
  const client = { workflow: { list: async function* () {}, count: async () => ({ count: 0 }) } } as unknown as Client;
  const index = new TaskIndex(client, { pollMs: 3600_000, checkMs: 24 * 3600_000 });
  index.start();
  await index.whenReady();
  for (const shape of SHAPE_NAMES) for (const row of graphRecords(shape, now)) index.put(row);
  for (let i = 0; i < OTHER_TASKS; i++) index.put(record(`bench-other-${i}`, now - 3600_000 - i * 1000, { name: `other ${i}` }));
  const deps = { index, hub: { clientCount: 0 }, authFailures: { max: 1000, windowMs: 60_000 }, webDir: '/nonexistent' } as unknown as AppDeps;
  const app = express();
  app.get('/bench/graph-in-one-piece', (req, res) => {
    const scope = { batch: String(req.query.batch) };
    const at = Date.now();
    res.json(buildTaskGraph(index.graphTasks(scope, at), scope, at));
  });
  app.use(createApp(deps));
  const server = app.listen(0, '127.0.0.1');
  await new Promise((listening) => server.once('listening', listening));
  const blocks = blockProbe();
  process.on('message', (question: Ask) => {
    if (question.kind === 'reset') {
      blocks.reset();
      process.send!(null);
    } else if (question.kind === 'longest') {
      process.send!(blocks.longest());
    } else {
      process.send!(steps(index, question.shape));
    }
  });
  process.send!({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
}

/** The longest time the event loop ran without coming back to a timer due every few milliseconds. */
function blockProbe(): { reset: () => void; longest: () => number } {
  const every = 5;
  let last = performance.now();
  let longest = 0;
  setInterval(() => {
    const at = performance.now();
    if (process.env.BENCH_GRAPH_SERVE_TRACE && at - last > 200) console.error(`block of ${Math.round(at - last)} ms ending at ${Math.round(at)}`);
    longest = Math.max(longest, at - last - every);
    last = at;
  }, every);
  return {
    reset: () => {
      longest = 0;
      last = performance.now();
    },
    longest: () => Math.max(longest, performance.now() - last - every),
  };
}

/** Where the time of one answer goes, step by step, as the route takes them. */
function steps(index: TaskIndex, shape: ShapeName) {
  const scope = { batch: BATCH(shape) };
  const runs: Record<string, number>[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const at = Date.now();
    const run: Record<string, number> = {};
    const step = <T>(name: string, work: () => T): T => {
      const started = performance.now();
      const result = work();
      run[name] = performance.now() - started;
      return result;
    };
    const rows = step('index_graph_tasks_ms', () => index.graphTasks(scope, at));
    const parts = step('edges_and_critical_path_ms', () => allSteps(taskGraphSteps(rows, scope, at)));
    const text = step('nodes_and_text_in_pieces_ms', () => [...graphJson(parts)].join(''));
    const graph = step('build_task_graph_in_one_piece_ms', () => buildTaskGraph(rows, scope, at));
    const json = step('json_stringify_in_one_piece_ms', () => JSON.stringify(graph));
    if (json !== text) throw new Error(`the ${shape} graph in pieces differs from JSON.stringify of the graph`);
    run.answer_bytes = json.length;
    runs.push(run);
  }
  return Object.fromEntries(Object.keys(runs[0]).map((key) => [key, round(median(runs.map((run) => run[key])))]));
}

if (process.argv[2] === 'serve') {
  serve().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
