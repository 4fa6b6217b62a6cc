import type { ChildProcess } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { inject } from 'vitest';
import type { RequestBodyOf, TaskRecord } from '../../core/contract';
import { contractProblem } from '../support/contract';
import { freePort, runEntry, stackClient, stopProcess, waitForHttp } from '../support/stack';

export const apiUrl = (): string => inject('apiUrl');

/** A task row, as the contract defines it. */
export type Task = TaskRecord;

/** A call to the API; `base` picks another API process than the suite's (the cluster runs two). */
export async function api<T = unknown>(path: string, init?: RequestInit & { json?: unknown; base?: string }): Promise<{ status: number; body: T; headers: Headers }> {
  const { json, base, ...rest } = init ?? {};
  const res = await fetch(`${base ?? apiUrl()}${path}`, {
    ...rest,
    headers: json !== undefined ? { 'content-type': 'application/json', ...rest.headers } : rest.headers,
    body: json !== undefined ? JSON.stringify(json) : rest.body,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON (a log download)
  }
  // Every answer a test sees is checked against the contract: a route that answers outside it fails.
  const problem = contractProblem({ method: rest.method ?? 'GET', url: path, status: res.status, contentType: res.headers.get('content-type') ?? '', body });
  if (problem) throw new Error(problem);
  return { status: res.status, body: body as T, headers: res.headers };
}

/** A `POST /tasks` body; the type defaults to command. */
export type StartBody = Omit<RequestBodyOf<'startTask'>, 'type'> & { type?: string };

export async function startTask(body: StartBody): Promise<Task> {
  return startTaskVia(apiUrl(), body);
}

export async function startTaskVia(base: string, body: StartBody): Promise<Task> {
  const res = await api<Task>('/tasks', { method: 'POST', json: { type: 'command', ...body }, base });
  if (res.status !== 201) throw new Error(`POST /tasks answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

/** Polls until `check` returns a value; the API and visibility are eventually consistent. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The task as `GET /tasks` lists it (found by its unique tag). */
export async function listed(id: string, tag: string): Promise<Task | undefined> {
  const { body } = await api<Task[]>(`/tasks?tag=${encodeURIComponent(tag)}&limit=100`);
  return body.find((t) => t.id === id);
}

export async function waitForStatus(id: string, statuses: string[], timeoutMs = 60_000): Promise<Task> {
  return waitFor(`task ${id} to reach ${statuses.join('|')}`, async () => {
    const { body } = await api<Task>(`/tasks/${id}`);
    return statuses.includes(body.status) ? body : undefined;
  }, timeoutMs);
}

export function uniqueTag(label: string): string {
  return `${label}-${Math.random().toString(36).slice(2, 10)}`;
}

/** A Temporal client as Taskdeck's own: it reads and writes the suite's encrypted payloads. */
export async function temporalClient(): Promise<{ client: Client; close: () => Promise<void> }> {
  return stackClient(inject('temporalAddress'), inject('dataDir'));
}

/**
 * Another API process on the suite's Temporal, worker and data folder, with extra settings
 * (authentication, approval), so the suite's own API keeps its defaults for the other tests.
 */
export async function startExtraApi(env: NodeJS.ProcessEnv): Promise<{ base: string; stop: () => Promise<unknown> }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const child = runEntry('api/index.ts', {
    TASKDECK_DATA: inject('dataDir'),
    TASKDECK_TASK_QUEUE: inject('taskQueue'),
    TEMPORAL_ADDRESS: inject('temporalAddress'),
    PORT: String(port),
    ...env,
  });
  await waitForHttp(`${base}/healthz`);
  return { base, stop: () => stopProcess(child) };
}

/**
 * Another worker process on the suite's Temporal and data folder: a node of its own when `env`
 * names one (TASKDECK_NODE_NAME, _CORES, _MEMORY_MB, _GPUS).
 */
export function startExtraWorker(env: NodeJS.ProcessEnv): ChildProcess {
  return runEntry(
    'worker/index.ts',
    { TASKDECK_DATA: inject('dataDir'), TASKDECK_TASK_QUEUE: inject('taskQueue'), TEMPORAL_ADDRESS: inject('temporalAddress'), ...env },
    process.env.TASKDECK_TEST_LOGS ? 'inherit' : 'ignore',
  );
}
