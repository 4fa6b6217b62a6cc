import type { ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDevServer, type DevServer } from '../../scripts/devServer';
import { folderWith, pngImage } from '../support/fixtures';
import { freePort, removeDir, runEntry, stopProcess, tempDir, testTemporalCli, waitForHttp } from '../support/stack';
import { followEventsWithReconnect, type Http, httpClient, waitFor } from './client';

/**
 * Faults on a real stack that this file owns, so it can kill its parts: the worker, the
 * Temporal dev server (persistent SQLite file) and the API, each with kill -9.
 */
const cli = testTemporalCli();
const dataDir = tempDir('faults');
let serverOptions: Parameters<typeof startDevServer>[0];
let server: DevServer;
let env: NodeJS.ProcessEnv;
let worker: ChildProcess;
let api: ChildProcess;
let http: Http;
let connection: Connection;
let client: Client;

const output = process.env.TASKDECK_TEST_LOGS ? 'inherit' : 'ignore';
const startWorker = () => (worker = runEntry('worker/index.ts', env, output));
const startApi = async () => {
  api = runEntry('api/index.ts', env, output);
  await waitForHttp(`${http.url}/healthz`);
};
const killHard = async (child: ChildProcess) => {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
};

beforeAll(async () => {
  serverOptions = { cli, dbFile: join(dataDir, 'temporal.db'), port: await freePort(), uiPort: await freePort(), output: 'ignore' };
  server = await startDevServer(serverOptions);
  const port = await freePort();
  env = { TASKDECK_DATA: dataDir, TASKDECK_TASK_QUEUE: 'taskdeck-faults', TEMPORAL_ADDRESS: server.address, PORT: String(port) };
  http = httpClient(`http://127.0.0.1:${port}`);
  startWorker();
  await startApi();
  connection = await Connection.connect({ address: server.address });
  client = new Client({ connection });
});

afterAll(async () => {
  await connection?.close();
  await Promise.all([api && stopProcess(api), worker && stopProcess(worker)]);
  await server?.stop();
  removeDir(dataDir);
});

interface Task {
  id: string;
  status: string;
}

/** The percentage in the running activity's last heartbeat, and when it was sent. */
async function heartbeat(id: string): Promise<{ at: number; percent: number } | undefined> {
  const { raw } = await client.workflow.getHandle(id).describe();
  const activity = raw.pendingActivities?.[0];
  const payload = activity?.heartbeatDetails?.payloads?.[0]?.data;
  if (!activity?.lastHeartbeatTime || !payload) return undefined;
  const details = JSON.parse(Buffer.from(payload).toString('utf8')) as { progress?: { percent?: number } };
  const percent = details.progress?.percent;
  const at = Number(activity.lastHeartbeatTime.seconds) * 1000 + Math.floor((activity.lastHeartbeatTime.nanos ?? 0) / 1e6);
  return percent === undefined ? undefined : { at, percent };
}

const allFinished = (ids: string[], statuses = ['completed']) =>
  Promise.all(ids.map((id) => waitFor(`task ${id} to finish`, async () => statuses.includes((await http.get<Task>(`/tasks/${id}`)).status), 240_000)));

describe('a worker killed with kill -9 while 20 tasks run', () => {
  it('completes all 20 after a restart, and checkpointed tasks go on from their checkpoint', async () => {
    const datasetId = `faults-${Date.now()}`;
    const colours: [number, number, number][] = [[220, 20, 20], [20, 220, 20], [20, 20, 220], [200, 200, 20]];
    const folder = folderWith(join(dataDir, 'media'), Object.fromEntries(colours.map((c, i) => [`${i}.png`, pngImage(c)])));
    const created = await http.post<Task>('/tasks', { type: 'dataset_creation', dataset_id: datasetId, input: { folder } });
    await allFinished([created.id]);
    const enriched = await http.post<Task>('/tasks', { type: 'enrichment', dataset_id: datasetId, input: {} });
    await allFinished([enriched.id]);

    // 10 checkpointed tasks (synthesis saves how many images it wrote) and 10 commands (which rerun).
    const synthesis = await Promise.all(
      Array.from({ length: 10 }, (_, i) => http.post<Task>('/tasks', { type: 'synthesis', dataset_id: datasetId, input: { count: 1000, size: 96, seed: i } })),
    );
    const commands = await Promise.all(
      Array.from({ length: 10 }, () => http.post<Task>('/tasks', { type: 'command', input: { command: 'for i in $(seq 1 20); do echo "PROGRESS $((i*5))"; sleep 1; done' } })),
    );
    const before = new Map<string, number>();
    await waitFor('every synthesis task past 5%', async () => {
      for (const task of synthesis) {
        const beat = await heartbeat(task.id);
        if (beat && beat.percent >= 5) before.set(task.id, beat.percent);
      }
      return before.size === synthesis.length;
    }, 120_000);

    await killHard(worker);
    const killedAt = Date.now();
    startWorker();

    // Each retry's first reported progress is at least where its task was before the kill.
    const after = new Map<string, number>();
    await waitFor('every synthesis task to report from its retry', async () => {
      for (const task of synthesis) {
        if (after.has(task.id)) continue;
        const beat = await heartbeat(task.id);
        if (beat && beat.at > killedAt) after.set(task.id, beat.percent);
      }
      return after.size === synthesis.length;
    }, 120_000);
    for (const task of synthesis) expect(after.get(task.id), task.id).toBeGreaterThanOrEqual(before.get(task.id)!);

    await allFinished([...synthesis, ...commands].map((t) => t.id));
    for (const task of synthesis) {
      expect(readdirSync(join(dataDir, 'synthesis', encodeURIComponent(task.id))).filter((f) => f.endsWith('.png'))).toHaveLength(1000);
    }
  });
});

describe('the Temporal server killed with kill -9 mid-run', () => {
  it('loses no task: after a restart on the same database all of them complete', async () => {
    const tag = `server-kill-${Date.now()}`;
    const tasks = await Promise.all(
      Array.from({ length: 10 }, () => http.post<Task>('/tasks', { type: 'command', tag, input: { command: 'for i in $(seq 1 12); do echo "PROGRESS $((i*8))"; sleep 1; done' } })),
    );
    await waitFor('the tasks to run', async () => (await http.get<Task[]>(`/tasks?tag=${tag}&status=running`)).length === tasks.length, 60_000);

    await killHard(server.process);
    await new Promise((resolve) => setTimeout(resolve, 3000));
    server = await startDevServer(serverOptions);

    await allFinished(tasks.map((t) => t.id));
    await waitFor('the list to show every task completed', async () => {
      const listed = await http.get<Task[]>(`/tasks?tag=${tag}`);
      return listed.length === tasks.length && listed.every((t) => t.status === 'completed');
    }, 60_000);
  });
});

describe('the API killed while 10 clients follow /events', () => {
  it('has every client reconnect and learn every final status', async () => {
    const tag = `api-kill-${Date.now()}`;
    const followers = await Promise.all(Array.from({ length: 10 }, () => followEventsWithReconnect(http, tag)));
    try {
      // Some finish while the API is down, some after it is back.
      const tasks = await Promise.all(
        [3, 3, 3, 12, 12, 12].map((seconds) => http.post<Task>('/tasks', { type: 'command', tag, input: { command: `sleep ${seconds}` } })),
      );
      await new Promise((resolve) => setTimeout(resolve, 1000));
      await killHard(api);
      await new Promise((resolve) => setTimeout(resolve, 5000));
      await startApi();

      await waitFor('every client to know every final status', async () =>
        followers.every((f) => tasks.every((t) => f.statuses.get(t.id) === 'completed')), 90_000);
      expect(Math.min(...followers.map((f) => f.connections))).toBeGreaterThanOrEqual(2);
    } finally {
      for (const f of followers) f.close();
    }
  });
});
