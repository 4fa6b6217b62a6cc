import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { ConnectionLike } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import { createApp, type AppDeps } from '../../../api/app';
import type { FailureLimit, Tokens } from '../../../api/auth';
import { TaskTable } from '../../../api/taskTable';
import { DEFAULT_GRAPH_DEPTH, type GraphScope } from '../../../core';
import type { ListTasksQuery, TaskRecord } from '../../../core/contract';
import { contractProblem } from '../../support/contract';

const notStubbed = (what: string) => () => {
  throw new Error(`${what} is not stubbed: this test should not reach it`);
};

/**
 * The real Express app with its dependencies stubbed: routing, validation, authentication and the
 * OpenAPI document run for real, in-process, with no Temporal behind them. A handler that reaches
 * a dependency fails the test, so these tests prove a request was decided before that. `tasks`
 * are the rows the task index holds.
 */
export async function inProcessApi(
  options: { auth?: Tokens; authFailures?: FailureLimit; trustProxy?: boolean | number | string; codec?: PayloadCodec; webDir?: string; tasks?: TaskRecord[] } = {},
): Promise<{ url: string; close: () => Promise<void> }> {
  const table = TaskTable.from(options.tasks ?? []);
  const deps = {
    connection: { workflowService: { getSystemInfo: async () => ({}) } } as unknown as ConnectionLike,
    index: { whenReady: async () => undefined, get: () => undefined, query: (query: ListTasksQuery) => table.query(query), graphTaskSteps: (scope: GraphScope, now: number) => table.graphTaskSteps(scope, DEFAULT_GRAPH_DEPTH, now), size: table.size, stats: { visibilityCalls: 0, polls: 1, lastPollAt: null, lastError: null, checks: 0, repairs: 0, repairListedRows: 0, repairVisibilityCalls: 0, snapshotRows: null, readyMs: 1 } },
    service: new Proxy({ temporalUiTemplate: null }, { get: (target, key) => (key in target ? target[key as 'temporalUiTemplate'] : notStubbed(`TaskService.${String(key)}`)) }),
    batches: new Proxy({}, { get: (_t, key) => notStubbed(`BatchService.${String(key)}`) }),
    pipelines: new Proxy({}, { get: (_t, key) => notStubbed(`PipelineService.${String(key)}`) }),
    schedules: new Proxy({}, { get: (_t, key) => notStubbed(`ScheduleService.${String(key)}`) }),
    hub: { clientCount: 0 },
    logs: new Proxy({}, { get: (_t, key) => notStubbed(`LogStore.${String(key)}`) }),
    datasets: new Proxy({}, { get: (_t, key) => notStubbed(`DatasetStore.${String(key)}`) }),
    webDir: options.webDir ?? '/nonexistent',
    auth: options.auth,
    // Generous unless a test is about the limit: the other tests send many 401s from one address.
    authFailures: options.authFailures ?? { max: 10_000, windowMs: 60_000 },
    trustProxy: options.trustProxy,
    codec: options.codec ?? new Proxy({}, { get: (_t, key) => notStubbed(`PayloadCodec.${String(key)}`) }),
  } as unknown as AppDeps;
  const server: Server = createApp(deps).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export interface Answer<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A request to the in-process API, its answer checked against the contract like every integration test's. */
export async function request<T = { error: string; field?: string }>(
  base: string,
  method: string,
  path: string,
  options: { json?: unknown; raw?: string; headers?: Record<string, string> } = {},
): Promise<Answer<T>> {
  const body = options.raw ?? (options.json === undefined ? undefined : JSON.stringify(options.json));
  const res = await fetch(`${base}${path}`, {
    method,
    redirect: 'manual',
    headers: { ...(body !== undefined ? { 'content-type': 'application/json' } : {}), ...options.headers },
    body,
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON
  }
  if (res.status < 300 || res.status >= 400) {
    const problem = contractProblem({ method, url: path, status: res.status, contentType: res.headers.get('content-type') ?? '', body: parsed });
    if (problem) throw new Error(problem);
  }
  return { status: res.status, body: parsed as T, headers: res.headers };
}
