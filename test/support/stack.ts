import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startDevServer, type DevServer } from '../../scripts/devServer';
import { findTemporalCli } from '../../scripts/temporalCli';
import { PROCESS_ENV, nodeArgs } from '../../runtime/processEnv';

export const ROOT = resolve(__dirname, '../..');

export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  server.close();
  await once(server, 'close');
  return port;
}

/** The Temporal CLI for tests: TEMPORAL_CLI, PATH, or the project's own `.taskdeck/bin` (built once). */
export function testTemporalCli(): string {
  return findTemporalCli({ explicit: process.env.TEMPORAL_CLI, binDir: join(ROOT, '.taskdeck', 'bin'), log: console.error });
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `taskdeck-${prefix}-`));
}

/** A real dev server on free ports with a fresh database. */
export async function startTestServer(cli: string, dataDir: string, registerSearchAttributes = true): Promise<DevServer> {
  return startDevServer({
    cli,
    dbFile: join(dataDir, 'temporal.db'),
    port: await freePort(),
    uiPort: await freePort(),
    output: 'ignore',
    registerSearchAttributes,
  });
}

/** Runs one of Taskdeck's entry points (`worker/index.ts`, `api/index.ts`, ...) as a real process. */
export function runEntry(entry: string, env: NodeJS.ProcessEnv, output: 'inherit' | 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, nodeArgs(entry, join(ROOT, entry)), { cwd: ROOT, env: { ...PROCESS_ENV, ...process.env, ...env }, stdio: ['ignore', output, output] });
}

export async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT', graceMs = 15_000): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
  const exited = once(child, 'exit');
  child.kill(signal);
  const force = setTimeout(() => child.kill('SIGKILL'), graceMs);
  const [code] = await exited;
  clearTimeout(force);
  return code as number | null;
}

export async function waitForHttp(url: string, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`${url} did not answer within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

export interface Stack {
  apiUrl: string;
  temporalAddress: string;
  temporalCli: string;
  taskQueue: string;
  dataDir: string;
  /** The API process, for benches that read its memory or tests that kill it. */
  apiPid: number;
  /** The Temporal dev server, for benches that read its CPU time. */
  temporalPid: number;
  stop: () => Promise<void>;
}

/**
 * The real stack a test project runs against: a Temporal dev server on free ports with a fresh
 * database, and Taskdeck's own worker and API processes started from their entry points.
 */
export async function startStack(name: string, taskQueue: string, extraEnv: NodeJS.ProcessEnv = {}): Promise<Stack> {
  const cli = testTemporalCli();
  const dataDir = tempDir(name);
  const server = await startTestServer(cli, dataDir);
  const port = await freePort();
  const env = {
    TASKDECK_DATA: dataDir,
    TASKDECK_TASK_QUEUE: taskQueue,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_UI_URL: server.uiUrl,
    PORT: String(port),
    ...extraEnv,
  };
  const output = process.env.TASKDECK_TEST_LOGS ? 'inherit' : 'ignore';
  const worker = runEntry('worker/index.ts', env, output);
  const api = runEntry('api/index.ts', env, output);
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${apiUrl}/healthz`);
  return {
    apiUrl,
    temporalAddress: server.address,
    temporalCli: cli,
    taskQueue,
    dataDir,
    apiPid: api.pid!,
    temporalPid: server.process.pid!,
    stop: async () => {
      await Promise.all([stopProcess(api), stopProcess(worker)]);
      await server.stop();
      removeDir(dataDir);
    },
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    temporalAddress: string;
    temporalCli: string;
    taskQueue: string;
    dataDir: string;
  }
}

/** Hands a stack to a test project's tests (`inject('apiUrl')`, ...); returns its teardown. */
export function provideStack(project: TestProject, stack: Omit<Stack, 'apiPid' | 'temporalPid'>): () => Promise<void> {
  project.provide('apiUrl', stack.apiUrl);
  project.provide('temporalAddress', stack.temporalAddress);
  project.provide('temporalCli', stack.temporalCli);
  project.provide('taskQueue', stack.taskQueue);
  project.provide('dataDir', stack.dataDir);
  return stack.stop;
}
