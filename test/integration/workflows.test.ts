import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { Context } from '@temporalio/activity';
import { Client, WorkflowFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { ActivityDeps } from '../../activities';
import { createLeaseActivities } from '../../activities/leases';
import {
  SA,
  allocatorId,
  allocatorStateQuery,
  nodeTaskQueue,
  pauseUpdate,
  progressSignal,
  resumeUpdate,
  taskStateQuery,
  type AllocatorState,
  type CommandInput,
  type NodeRecord,
  type TaskMemo,
  type TaskState,
} from '../../core';
import { removeDir, tempDir } from '../support/stack';
import { waitFor } from './helpers';

/**
 * The workflows on the real dev server, with stub activities: the lifecycle's statuses, search
 * attributes, memo, Updates and follow-ups, without shell commands or a dataset store behind them.
 * The lease activities are the real ones, so the dataset entity workflow runs for real, and so
 * does the resource allocator, but for its liveness check: that hangs until a test answers it.
 */
const queue = `workflows-${randomUUID().slice(0, 8)}`;
let connection: NativeConnection;
let client: Client;
let worker: Worker;
let running: Promise<void>;
let data: string;
/** A command task's stub activity waits here until the test lets it finish. */
const finishers = new Map<string, () => void>();
/** The allocator's liveness checks: how many were asked, and the answer, which none gets until a test gives one. */
const liveness: { asked: number; answer?: Record<string, boolean> } = { asked: 0 };

beforeAll(async () => {
  data = tempDir('workflows');
  connection = await NativeConnection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
  const leases = createLeaseActivities({ client, taskQueue: queue, dataRoot: data } as ActivityDeps);
  worker = await Worker.create({
    connection,
    taskQueue: queue,
    workflowsPath: join(__dirname, '../../workflows/index.ts'),
    activities: {
      ...leases,
      nodeLiveness: async (names: string[]) => {
        liveness.asked += 1;
        while (!liveness.answer) await new Promise((resolve) => setTimeout(resolve, 100));
        const { answer } = liveness;
        return Object.fromEntries(names.map((name) => [name, answer[name] ?? false]));
      },
      prepareCommand: async (input: CommandInput) => input,
      runCommand: async (input: CommandInput) => {
        const { workflowId } = Context.current().info.workflowExecution!;
        const task = client.workflow.getHandle(workflowId);
        if (input.command === 'fail') throw ApplicationFailure.create({ message: 'broken pipe', nonRetryable: true, details: [{ exit_code: 2 }] });
        await task.signal(progressSignal, { percent: 30.7, message: 'a third', phase: 'running' });
        await task.signal(progressSignal, { percent: 20, message: 'a third' });
        if (input.command === 'wait') await new Promise<void>((resolve) => finishers.set(workflowId, resolve));
        return { exit_code: 0 };
      },
      stageMedia: async () => ({ files: 1 }),
      addStagedMedia: async (id: string) => ({ dataset_id: id, media_count: 2, indexed: false }),
      checkDataset: async () => ({ media_count: 2 }),
      reindexDataset: async (id: string) => ({ dataset_id: id, media_count: 2, indexed: true }),
      cleanupStaging: async () => undefined,
    },
  });
  running = worker.run();
}, 120_000);

afterAll(async () => {
  // A stub left waiting by a failed test would hold the worker's shutdown.
  for (const finish of finishers.values()) finish();
  liveness.answer ??= {};
  worker?.shutdown();
  await running;
  await connection?.close();
  removeDir(data);
});

const state = (id: string) => client.workflow.getHandle(id).query(taskStateQuery);

describe('the task lifecycle, with stub activities', () => {
  it('walks pending → initializing → running → completed, mirroring it in search attributes, memo and the Temporal UI', async () => {
    const handle = await client.workflow.start('command', { taskQueue: queue, workflowId: randomUUID(), args: [{ input: { command: 'ok' }, name: 'stubbed', tag: 'wf' }] });
    await handle.result();
    const final: TaskState = await handle.query(taskStateQuery);
    expect(final.timeline.map((t) => t.status)).toEqual(['pending', 'initializing', 'running', 'completed']);
    expect(final).toMatchObject({ status: 'completed', progress: 100, exit_code: 0, message: 'a third' });
    const description = await handle.describe();
    const sa = description.typedSearchAttributes;
    expect([sa.get(SA.type), sa.get(SA.status), sa.get(SA.progress), sa.get(SA.tag)]).toEqual(['command', 'completed', 100, 'wf']);
    expect(sa.get(SA.startedAt)).toBeInstanceOf(Date);
    expect(description.memo as TaskMemo).toMatchObject({ name: 'stubbed', message: 'a third', exit_code: 0 });
    // A late report of an earlier attempt (20 after 30) neither rewinds the bar nor writes history.
    const upserts = (await handle.fetchHistory()).events!.filter((e) => e.upsertWorkflowSearchAttributesEventAttributes);
    expect(upserts).toHaveLength(5); // the start, initializing, running, 30 %, completed
  });

  it('fails with the activity’s message, the step it failed in and its exit code', async () => {
    const handle = await client.workflow.start('command', { taskQueue: queue, workflowId: randomUUID(), args: [{ input: { command: 'fail' } }] });
    const failure = await handle.result().catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(WorkflowFailedError);
    expect(await state(handle.workflowId)).toMatchObject({ status: 'failed', error: { message: 'broken pipe', step: 'running', exit_code: 2 }, exit_code: 2 });
    const description = await handle.describe();
    expect(description.memo as TaskMemo).toMatchObject({ error: 'broken pipe', failed_step: 'running', exit_code: 2 });
  });

  it('fails in initializing, naming the field, when its input does not fit its type', async () => {
    const handle = await client.workflow.start('command', { taskQueue: queue, workflowId: randomUUID(), args: [{ input: { command: 'ok', shell: 'bash' } }] });
    await handle.result().catch(() => undefined);
    const final = await state(handle.workflowId);
    expect(final.status).toBe('failed');
    expect(final.error).toMatchObject({ step: 'initializing' });
    expect(final.error!.message).toContain('input: Unrecognized key: "shell"');
  });

  it('pauses and resumes through its Updates, whose validators refuse what its state does not allow', async () => {
    const handle = await client.workflow.start('command', { taskQueue: queue, workflowId: randomUUID(), args: [{ input: { command: 'wait' } }] });
    await waitFor('the stub activity to be running', async () => finishers.has(handle.workflowId));
    await expect(handle.executeUpdate(resumeUpdate)).rejects.toMatchObject({ cause: { message: 'Only a paused task can be resumed; this one is running' } });
    expect((await handle.executeUpdate(pauseUpdate)).status).toBe('paused');
    await expect(handle.executeUpdate(pauseUpdate)).rejects.toMatchObject({ cause: { message: 'Only an initializing or running task can be paused; this one is paused' } });
    expect((await handle.executeUpdate(resumeUpdate)).status).toBe('running');
    finishers.get(handle.workflowId)!();
    await handle.result();
    const final = await state(handle.workflowId);
    expect(final.timeline.map((t) => t.status)).toEqual(['pending', 'initializing', 'running', 'paused', 'running', 'completed']);
    expect(final.paused_ms).toBeGreaterThanOrEqual(0);
    expect(final.paused_at).toBeNull();
  });

  it('starts the follow-up a media addition asks for, with the lease handed over and a new task’s attributes', async () => {
    const dataset = `wf-${randomUUID().slice(0, 8)}`;
    const handle = await client.workflow.start('media_addition', {
      taskQueue: queue,
      workflowId: randomUUID(),
      args: [{ input: { folder: '/media', reindex: true }, dataset_id: dataset, name: 'add birds', needs_approval: false }],
    });
    await handle.result();
    const followUpId = ((await state(handle.workflowId)).result as { follow_up: string }).follow_up;
    const followUp = client.workflow.getHandle(followUpId);
    await followUp.result();
    const description = await followUp.describe();
    const sa = description.typedSearchAttributes;
    expect([sa.get(SA.type), sa.get(SA.status), sa.get(SA.datasetId)]).toEqual(['reindex', 'completed', dataset]);
    expect(description.memo as TaskMemo).toMatchObject({ triggered_by: handle.workflowId });
    expect(await description.staticSummary()).toBe('Taskdeck Reindex');
    expect((await followUp.query(taskStateQuery)).timeline[0].status).toBe('pending');
  });
});

describe('the resource allocator, with stub liveness checks', () => {
  it('grants while a liveness check hangs, and applies what the check found once it answers', async () => {
    // Two nodes of one core each, which joined long ago: only the liveness check says whether they are up.
    const joinedAt = new Date(Date.now() - 3_600_000).toISOString();
    const node = (name: string): NodeRecord => ({ name, cores: 1, memory_mb: 1024, gpus: [], task_queues: [queue, nodeTaskQueue(queue, name)], alive: true, joined_at: joinedAt, lost_at: null });
    const initial: AllocatorState = { nodes: { a: node('a'), b: node('b') }, holders: [], waiting: [] };
    const allocator = await client.workflow.start('resourceAllocator', { taskQueue: queue, workflowId: allocatorId(queue), args: [initial] });
    const tasks: string[] = [];
    // No worker polls the nodes' own queues: a granted task stays initializing, holding its core.
    const askForACore = async (): Promise<string> => {
      const id = randomUUID();
      tasks.push(id);
      await client.workflow.start('command', { taskQueue: queue, workflowId: id, args: [{ input: { command: 'ok' }, cpu_cores: 1 }] });
      return id;
    };
    const allocation = () => allocator.query(allocatorStateQuery);
    const grantOf = (id: string) => async () => (await allocation()).holders.find((h) => h.task_id === id);
    try {
      const first = await askForACore();
      expect((await waitFor('the first task to hold a core', grantOf(first))).node).toBe('a');
      // A core is held, so the allocator checks its nodes within seconds; the check hangs.
      await waitFor('a liveness check in flight', async () => liveness.asked > 0);

      const second = await askForACore();
      const grant = await waitFor('the second task to be granted while the check hangs', grantOf(second), 60_000);
      expect(liveness.answer).toBeUndefined();
      expect(grant).toMatchObject({ node: 'b', cores: [0] });
      expect((await state(second)).status).toBe('initializing');

      // The check answers that node a is down: its holder is freed and told, and asks again, in vain (b is full).
      liveness.answer = { a: false, b: true };
      const after = await waitFor('the check’s answer to be applied', async () => {
        const now = await allocation();
        return !now.nodes.a.alive && now.waiting.some((w) => w.task_id === first) ? now : undefined;
      }, 60_000);
      expect(after.holders.map((h) => h.task_id)).toEqual([second]);
      expect(after.nodes.a.lost_at).not.toBeNull();
      await waitFor('the first task to say what it waits for', async () => {
        const now = await state(first);
        return now.status === 'assigning' && now.message === 'Waiting for 1 core';
      });
    } finally {
      for (const id of [...tasks, allocator.workflowId]) await client.workflow.getHandle(id).terminate('test over').catch(() => undefined);
    }
  }, 180_000);
});
