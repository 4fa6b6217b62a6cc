import type { ChildProcess } from 'node:child_process';
import { Connection } from '@temporalio/client';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { bootstrapNamespace } from '../../runtime/bootstrap';
import { ALL_SEARCH_ATTRIBUTES } from '../../core';
import { freePort, removeDir, runEntry, startTestServer, stopProcess, tempDir, waitForHttp } from '../support/stack';

interface Task {
  id: string;
  status: string;
}

const dirs: string[] = [];
afterAll(() => dirs.forEach(removeDir));

function captured(child: ChildProcess): () => string {
  let output = '';
  child.stdout?.on('data', (chunk) => (output += chunk));
  child.stderr?.on('data', (chunk) => (output += chunk));
  return () => output;
}

async function waitForTask(url: string, id: string, status: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const tasks = (await (await fetch(`${url}/tasks`)).json()) as Task[];
    if (tasks.some((t) => t.id === id && t.status === status)) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`task ${id} never listed as ${status}`);
}

/**
 * A launcher stops its worker, API and server in turn; on a CI machine busy with the other test
 * files (package installs, browsers) that took over 15 s once, though it takes a few alone.
 */
const STOP_GRACE_MS = 45_000;

describe('npm start (scripts/start.ts)', () => {
  it('runs server, worker and API; Ctrl-C stops all of it; the next start still shows the tasks', async () => {
    const dataDir = tempDir('start');
    dirs.push(dataDir);
    const env = {
      TASKDECK_DATA: dataDir,
      TEMPORAL_CLI: inject('temporalCli'),
      TEMPORAL_ADDRESS: '',
      PORT: String(await freePort()),
      TEMPORAL_PORT: String(await freePort()),
      TEMPORAL_UI_PORT: String(await freePort()),
    };
    const url = `http://127.0.0.1:${env.PORT}`;

    const first = runEntry('scripts/start.ts', env, 'pipe');
    const firstOutput = captured(first);
    await waitForHttp(`${url}/healthz`);
    expect(firstOutput()).toContain('Temporal dev server on');
    const ui = await fetch(`http://127.0.0.1:${env.TEMPORAL_UI_PORT}/`);
    expect(ui.status).toBe(200);
    const started = await fetch(`${url}/tasks`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'command', input: { command: 'echo survived' }, name: 'before restart' }),
    });
    const task = (await started.json()) as Task;
    await waitForTask(url, task.id, 'completed');

    expect(await stopProcess(first, 'SIGINT', STOP_GRACE_MS)).toBe(0);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    await expect(Connection.connect({ address: `127.0.0.1:${env.TEMPORAL_PORT}`, connectTimeout: 1000 }).then((c) => c.workflowService.getSystemInfo({}))).rejects.toThrow();

    const second = runEntry('scripts/start.ts', env, 'pipe');
    try {
      await waitForHttp(`${url}/healthz`);
      await waitForTask(url, task.id, 'completed');
    } finally {
      expect(await stopProcess(second, 'SIGINT', STOP_GRACE_MS)).toBe(0);
    }
  });

  it('with TEMPORAL_ADDRESS uses that cluster and starts no server', async () => {
    const dataDir = tempDir('external');
    dirs.push(dataDir);
    const env = {
      TASKDECK_DATA: dataDir,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
      TASKDECK_TASK_QUEUE: 'taskdeck-external',
      PORT: String(await freePort()),
    };
    const launcher = runEntry('scripts/start.ts', env, 'pipe');
    const output = captured(launcher);
    try {
      await waitForHttp(`http://127.0.0.1:${env.PORT}/healthz`);
      expect(output()).not.toContain('dev server');
      expect(output()).toContain(`Temporal ${inject('temporalAddress')}`);
    } finally {
      expect(await stopProcess(launcher, 'SIGINT', STOP_GRACE_MS)).toBe(0);
    }
  });
});

describe('namespace bootstrap', () => {
  it('registers the search attributes and sets 14-day retention on a bare server, idempotently and concurrently', async () => {
    const dataDir = tempDir('bootstrap');
    dirs.push(dataDir);
    const server = await startTestServer(inject('temporalCli'), dataDir, false);
    const connection = await Connection.connect({ address: server.address });
    try {
      const before = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      expect(Object.keys(before.customAttributes ?? {})).not.toContain('TaskdeckStatus');

      // Worker and API bootstrap at the same moment in a real start.
      const quiet = () => undefined;
      await Promise.all([bootstrapNamespace(connection, 'default', quiet), bootstrapNamespace(connection, 'default', quiet)]);
      await bootstrapNamespace(connection, 'default', quiet);

      const after = await connection.operatorService.listSearchAttributes({ namespace: 'default' });
      for (const key of ALL_SEARCH_ATTRIBUTES) expect(Object.keys(after.customAttributes ?? {})).toContain(key.name);
      const namespace = await connection.workflowService.describeNamespace({ namespace: 'default' });
      expect(Number(namespace.config?.workflowExecutionRetentionTtl?.seconds)).toBe(14 * 24 * 3600);
    } finally {
      await connection.close();
      await server.stop();
    }
  });
});
