import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { NodeInfo } from '../../core/contract';
import { stopProcess } from '../support/stack';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { folderWith, pngImage } from '../support/fixtures';
import { api, startExtraWorker, startTask, temporalClient, uniqueTag, waitFor, waitForStatus, type StartBody, type Task } from './helpers';

/**
 * Two extra worker processes on the suite's Temporal, each a node declaring its own cores, memory
 * and GPUs (this machine has no GPU: the indices are declared, and the process sees them in
 * CUDA_VISIBLE_DEVICES).
 */
const NODES = {
  alpha: { TASKDECK_NODE_CORES: '2', TASKDECK_NODE_MEMORY_MB: '512', TASKDECK_NODE_GPUS: '0,1' },
  beta: { TASKDECK_NODE_CORES: '1', TASKDECK_NODE_MEMORY_MB: '256', TASKDECK_NODE_GPUS: '2' },
  // The last test kills this one. It declares far more cores than any machine's own worker has, so
  // a task that targets no node goes there first, beside a cluster's workers too (cores past the
  // machine's are pinned modulo its count).
  gamma: { TASKDECK_NODE_CORES: '64', TASKDECK_NODE_MEMORY_MB: '256', TASKDECK_NODE_GPUS: 'none' },
};

const workers = new Map<string, ChildProcess>();

function startNode(name: string, env: Record<string, string>): ChildProcess {
  const child = startExtraWorker({ TASKDECK_NODE_NAME: name, ...env });
  workers.set(name, child);
  return child;
}

async function node(name: string): Promise<NodeInfo | undefined> {
  const { status, body } = await api<NodeInfo>(`/nodes/${name}`);
  return status === 200 ? body : undefined;
}

// A worker bundles the workflow code before it polls: a minute or more on a busy machine.
const aliveNode = (name: string) => waitFor(`node ${name} to be up`, async () => ((await node(name))?.alive ? node(name) : undefined), 220_000);

/** What a task printed, line by line. */
async function output(id: string): Promise<string[]> {
  const { body } = await api<{ lines: string[] }>(`/tasks/${id}/logs?stream=stdout`);
  return body.lines;
}

const command = (body: StartBody & { input: { command: string } }) => startTask({ ...body, tag: body.tag ?? uniqueTag('nodes') });

beforeAll(async () => {
  for (const [name, env] of Object.entries(NODES)) startNode(name, env);
  await Promise.all(Object.keys(NODES).map(aliveNode));
}, 240_000);

afterAll(async () => {
  await Promise.all([...workers.values()].map((child) => stopProcess(child)));
});

describe('nodes', () => {
  it('lists each node with what it declared, its own task queue and its health from Temporal', async () => {
    const { status, body } = await api<NodeInfo[]>('/nodes');
    expect(status).toBe(200);
    const alpha = body.find((n) => n.name === 'alpha')!;
    expect(alpha).toMatchObject({ alive: true, cores: 2, memory_mb: 512, gpus: [0, 1], health_source: 'worker heartbeat' });
    expect(alpha.task_queues).toContain(`${inject('taskQueue')}@alpha`);
    expect(Date.now() - Date.parse(alpha.last_seen!)).toBeLessThan(30_000);
    expect(alpha.workers.length).toBeGreaterThan(0);
    expect(body.find((n) => n.name === 'beta')).toMatchObject({ cores: 1, memory_mb: 256, gpus: [2] });
    expect((await api('/nodes/no-such-node')).status).toBe(404);
  });

  it('runs a task that targets a node on that node only', async () => {
    // The shell's parent is the worker process that runs the command.
    for (const name of ['alpha', 'beta']) {
      const task = await command({ target_node: name, input: { command: 'echo "worker $PPID"' } });
      const done = await waitForStatus(task.id, ['completed', 'failed']);
      expect(done.status, done.error ?? '').toBe('completed');
      expect(done.node).toBe(name);
      expect(await output(task.id)).toContain(`worker ${workers.get(name)!.pid}`);
    }
  });

  it('runs a store task that targets a node on that node, every activity of it, and refuses it resources', async () => {
    const folder = folderWith(mkdtempSync(join(tmpdir(), 'taskdeck-node-model-')), { 'weights.bin': pngImage([255, 0, 0]) });
    const body = { type: 'model_upload', input: { name: uniqueTag('weights'), path: join(folder, 'weights.bin') }, target_node: 'beta' };
    const task = await startTask({ ...body, tag: uniqueTag('nodes') });
    const done = await waitForStatus(task.id, ['completed', 'failed']);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(done.node).toBe('beta');
    // Its history: every activity of its work, the staging cleanup included, was scheduled on
    // beta's own queue; only the lifecycle's requests (the dataset lease, the allocator's grant) elsewhere.
    const temporal = await temporalClient();
    try {
      const { events } = await temporal.client.workflow.getHandle(task.id).fetchHistory();
      const scheduled = events!.flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
      const onBeta = scheduled.filter((a) => a.taskQueue?.name === `${inject('taskQueue')}@beta`).map((a) => a.activityType!.name!);
      const elsewhere = scheduled.filter((a) => a.taskQueue?.name !== `${inject('taskQueue')}@beta`).map((a) => a.activityType!.name!);
      expect(onBeta).toContain('cleanupStaging');
      expect(onBeta.length).toBeGreaterThanOrEqual(3);
      expect(new Set(elsewhere)).toEqual(new Set(elsewhere.filter((name) => ['acquireDatasetLease', 'requestResources', 'requestGpu', 'inspectUpstream'].includes(name))));
    } finally {
      await temporal.close();
    }
    const refused = await api<{ error: string; field?: string }>('/tasks', { method: 'POST', json: { ...body, cpu_cores: 1 } });
    expect(refused.status).toBe(400);
    expect(refused.body.field).toBe('cpu_cores');
    expect(refused.body.error).toMatch(/only command tasks can be given resources/);
    // A GPU-bound type waits for the cluster's GPU slot, which is on no node.
    const gpuBound = await api<{ error: string; field?: string }>('/tasks', { method: 'POST', json: { type: 'dataset_creation', input: { folder }, dataset_id: uniqueTag('node-ds').toLowerCase(), target_node: 'beta' } });
    expect(gpuBound.status).toBe(400);
    expect(gpuBound.body).toMatchObject({ field: 'target_node', error: expect.stringContaining('GPU-bound') });
  });

  it('refuses bad or impossible requests with a 400 or 409 naming the field', async () => {
    const refused = async (body: Record<string, unknown>) => {
      const res = await api<{ error: string; field?: string }>('/tasks', { method: 'POST', json: { type: 'command', input: { command: 'true' }, ...body } });
      return { status: res.status, field: res.body.field, error: res.body.error };
    };
    expect(await refused({ cpu_cores: -1 })).toMatchObject({ status: 400, field: 'cpu_cores' });
    expect(await refused({ memory: '12XB' })).toMatchObject({ status: 400, field: 'memory' });
    expect(await refused({ gpu_ids: [77] })).toMatchObject({ status: 400, field: 'gpu_ids', error: expect.stringContaining('no node can ever satisfy it') });
    const tooMany = await refused({ cpu_cores: 4096 });
    expect(tooMany).toMatchObject({ status: 400, field: 'cpu_cores' });
    expect(tooMany.error).toContain('alpha has 2 cores');
    expect(await refused({ target_node: 'beta', cpu_cores: 2 })).toMatchObject({ status: 400, field: 'cpu_cores', error: 'cpu_cores: beta has 1 cores' });
    expect(await refused({ target_node: 'nowhere' })).toMatchObject({ status: 400, field: 'target_node', error: expect.stringContaining('no node named nowhere') });
    expect(await refused({ type: 'reindex', dataset_id: 'ds-x', input: {}, cpu_cores: 1 })).toMatchObject({ status: 400, field: 'cpu_cores' });
    // The same check for a task of a batch or a pipeline, naming that task's field; nothing starts.
    const tag = uniqueTag('nodes-refused');
    const task = (key: string, extra: Record<string, unknown> = {}) => ({ key, type: 'command', input: { command: 'true' }, ...extra });
    const batch = await api<{ error: string; field?: string }>('/batches', { method: 'POST', json: { name: tag, tasks: [task('a'), task('b', { target_node: 'nowhere' })].map(({ key: _key, ...t }) => ({ ...t, tag })) } });
    expect(batch.status).toBe(400);
    expect(batch.body.field).toBe('tasks.1.target_node');
    const pipeline = await api<{ error: string; field?: string }>('/pipelines', { method: 'POST', json: { name: tag, tag, tasks: [task('a'), task('b', { depends_on: ['a'], target_node: 'beta', cpu_cores: 2 })] } });
    expect(pipeline.status).toBe(400);
    expect(pipeline.body).toMatchObject({ field: 'tasks.1.cpu_cores', error: 'tasks.1.cpu_cores: beta has 1 cores' });
    expect((await api<Task[]>(`/tasks?tag=${tag}&within_hours=1`)).body).toEqual([]);
  });

  it('fills a node; the next task waits in assigning (listed as queued) until one ends', async () => {
    const first = await command({ target_node: 'beta', cpu_cores: 1, input: { command: 'sleep 6' } });
    await waitForStatus(first.id, ['running']);
    const second = await command({ target_node: 'beta', cpu_cores: 1, input: { command: 'echo second' } });
    const waiting = await waitFor('the second task to wait for the core', async () => {
      const { body } = await api<Task>(`/tasks/${second.id}`);
      return body.status === 'assigning' && body.message?.startsWith('Waiting for 1 core on beta') ? body : undefined;
    });
    expect(waiting).toMatchObject({ task_status: 'Q', started_at: null, node: null });
    // GET /nodes answers from a look at the allocator shared for a second: the next one lists it.
    await waitFor('beta to list the first task as what it runs', async () => ((await node('beta'))!.tasks.map((t) => t.task_id).join() === first.id ? true : undefined), 10_000);

    const done = await waitForStatus(second.id, ['completed', 'failed'], 60_000);
    expect(done.status, done.error ?? '').toBe('completed');
    // It began only once the first task's 6-second command gave the core back (which is a moment
    // before that task records its own end).
    const firstDone = await waitForStatus(first.id, ['completed']);
    expect(Date.parse(done.started_at!)).toBeGreaterThanOrEqual(Date.parse(firstDone.started_at!) + 6000);
    expect(done.allocation).toEqual({ cores: [0], memory_mb: null, gpus: [] });
    // Both ended: beta holds nothing.
    await waitFor('beta to be free', async () => ((await node('beta'))!.used.cores === 0 ? true : undefined));
  });

  it('gives twenty tasks asking for the last core one at a time', async () => {
    const trace = `/tmp/taskdeck-core-${uniqueTag('trace')}`;
    const tasks = await Promise.all(
      Array.from({ length: 20 }, (_, i) => command({ target_node: 'beta', cpu_cores: 1, input: { command: `echo "start ${i}" >> ${trace}; sleep 0.2; echo "end ${i}" >> ${trace}` } })),
    );
    for (const task of tasks) expect((await waitForStatus(task.id, ['completed', 'failed'], 90_000)).status).toBe('completed');
    const { readFileSync, rmSync } = await import('node:fs');
    const lines = readFileSync(trace, 'utf8').trim().split('\n');
    rmSync(trace, { force: true });
    // Never two at once: every start is followed by its own end.
    for (let i = 0; i < lines.length; i += 2) expect(lines[i + 1]).toBe(lines[i].replace('start', 'end'));
    expect(lines).toHaveLength(40);
  }, 150_000);

  it('holds a command to its cores, memory and GPUs', async () => {
    const pinned = await command({ target_node: 'alpha', cpu_cores: 1, input: { command: 'nproc' } });
    const gpus = await command({ target_node: 'alpha', gpu_count: 2, input: { command: 'echo "gpus=$CUDA_VISIBLE_DEVICES"' } });
    const byId = await command({ gpu_ids: [2], input: { command: 'echo "gpus=$CUDA_VISIBLE_DEVICES"' } });
    const hungry = await command({
      target_node: 'alpha',
      memory: '64MB',
      input: { command: `python3 -c "x = bytearray(200 * 1024 * 1024); print('allocated')"` },
    });
    const modest = await command({ target_node: 'alpha', memory: '64MB', input: { command: `python3 -c "x = bytearray(8 * 1024 * 1024); print('allocated')"` } });

    expect((await waitForStatus(pinned.id, ['completed', 'failed'])).status).toBe('completed');
    expect(await output(pinned.id)).toEqual(['1']);
    expect((await waitForStatus(gpus.id, ['completed', 'failed'])).allocation?.gpus).toEqual([0, 1]);
    expect(await output(gpus.id)).toEqual(['gpus=0,1']);
    const onBeta = await waitForStatus(byId.id, ['completed', 'failed']);
    expect(onBeta.node).toBe('beta');
    expect(await output(byId.id)).toEqual(['gpus=2']);

    const failed = await waitForStatus(hungry.id, ['completed', 'failed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/^memory limit of 64 MB exceeded/);
    expect(await output(hungry.id)).not.toContain('allocated');
    expect((await waitForStatus(modest.id, ['completed', 'failed'])).status).toBe('completed');
    expect(await output(modest.id)).toEqual(['allocated']);
  });

  it('frees what a killed node held once Temporal notices; its tasks run elsewhere or wait for it', async () => {
    const gamma = workers.get('gamma')!;
    const free = await command({ cpu_cores: 1, input: { command: 'for i in $(seq 1 600); do sleep 0.1; done; echo "finished on $PPID"' } });
    const bound = await command({ target_node: 'gamma', cpu_cores: 1, input: { command: 'sleep 90' } });
    for (const task of [free, bound]) {
      const running = await waitForStatus(task.id, ['running']);
      expect(running.node, JSON.stringify((await api('/nodes')).body)).toBe('gamma');
    }
    // The node's view is the allocator's, which may answer a moment after the tasks said running.
    await waitFor('gamma to hold both tasks\' cores', async () => ((await node('gamma'))!.used.cores === 2 ? true : undefined), 30_000);

    gamma.kill('SIGKILL');
    const down = await waitFor('gamma to be seen down', async () => {
      const seen = await node('gamma');
      return seen && !seen.alive && seen.used.cores === 0 ? seen : undefined;
    }, 60_000);
    expect(down.tasks).toEqual([]);
    expect(down.lost_at).not.toBeNull();

    // The task that may run anywhere runs again on another node and completes there.
    const elsewhere = await waitForStatus(free.id, ['completed', 'failed'], 90_000);
    expect(elsewhere.status, elsewhere.error ?? '').toBe('completed');
    expect(elsewhere.node).not.toBe('gamma');
    expect((await output(free.id)).at(-1)).toMatch(/^finished on \d+$/);

    // The task bound to gamma waits for it, saying so.
    const waiting = await waitFor('the bound task to wait for gamma', async () => {
      const { body } = await api<Task>(`/tasks/${bound.id}`);
      return body.status === 'assigning' && body.message === 'Node gamma is down; waiting for it to come back' ? body : undefined;
    }, 30_000);
    expect(waiting.task_status).toBe('Q');
    expect((await api('/tasks', { method: 'POST', json: { type: 'command', target_node: 'gamma', input: { command: 'true' } } })).status).toBe(409);
    expect((await api(`/tasks/${bound.id}/abort`, { method: 'POST' })).status).toBe(202);
    await waitForStatus(bound.id, ['aborted']);
  }, 240_000);
});
