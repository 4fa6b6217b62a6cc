import { join } from 'node:path';
import Long from 'long';
import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import type { TaskDetail, TaskTypeInfo } from '../../core/contract';
import type { TaskGraph } from '../../core/graph';
import { TaskdeckPlugin } from '../../plugin/src/plugin';
import { startPluginApp, type PluginApp } from '../support/pluginApp';
import { api, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

/**
 * The plugin as a stranger uses it: packed with `npm pack`, installed into an application of its
 * own (examples/typescript-app) with npm, whose worker runs against the suite's Temporal server.
 * Taskdeck's API, which knows nothing of that application, shows its workflows as tasks.
 */
let app: PluginApp;
let started: { invoices: string; ledger: string; archive: string };

beforeAll(async () => {
  app = await startPluginApp(inject('temporalAddress'), uniqueTag('invoices'));
  started = app.startWorkflows('ACME');
}, 240_000);

afterAll(async () => {
  await app?.stop();
});

describe('a stranger’s application with the packed plugin', () => {
  it('lists its workflows as tasks: its type, the name from its input, its tag, pending before it runs', async () => {
    const row = await waitFor('the archive export in the table', async () => (await api<Task[]>(`/tasks?task_type=exportArchive&limit=100`)).body.find((t) => t.id === started.archive));
    expect(row).toMatchObject({ task_type: 'exportArchive', name: 'ACME', tag: 'invoices' });
    expect(['pending', 'running']).toContain(row.status);
    const types = (await api<TaskTypeInfo[]>('/task-types')).body.filter((t) => t.source === 'plugin');
    expect(types.map((t) => [t.id, t.label])).toEqual(
      expect.arrayContaining([
        ['exportArchive', 'Export Archive'],
        ['syncLedger', 'Sync Ledger'],
      ]),
    );
  });

  it('shows progress live while it runs, from reportProgress in an activity', async () => {
    const moving = await waitFor('progress of the archive export', async () => {
      const { body } = await api<Task>(`/tasks/${started.archive}`);
      return body.progress >= 10 && /^page \d+ of 40$/.test(body.message ?? '') ? body : undefined;
    }, 60_000);
    expect(moving.status).toBe('running');
    const detail = (await api<TaskDetail>(`/tasks/${started.archive}`)).body;
    expect(detail.input).toEqual({ customer: 'ACME', pages: 40, pageMs: 500 });
    expect(detail.timeline.map((t) => t.status)).toEqual(['pending', 'running']);
  });

  it('aborts it: Temporal cancellation, and the task ends aborted', async () => {
    expect((await api(`/tasks/${started.archive}/abort`, { method: 'POST' })).status).toBe(202);
    expect((await waitForStatus(started.archive, ['aborted'])).status).toBe('aborted');
  });

  it('ends a failing workflow failed with its failure message, and retries it with the same input on the same queue', async () => {
    const failed = await waitForStatus(started.ledger, ['failed']);
    expect(failed.error).toBe('The ledger refused the batch of ACME: account 42 is closed');
    const retry = await api<Task>(`/tasks/${started.ledger}/retry`, { method: 'POST' });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ retry_of: started.ledger, task_type: 'syncLedger', name: 'ACME' });
    const again = await waitForStatus(retry.body.id, ['failed']);
    expect(again.error).toBe(failed.error);
    expect((await api<TaskDetail>(`/tasks/${started.ledger}`)).body.retries).toEqual([retry.body.id]);
  });

  it('completes a workflow whose children are tasks too, drawn as child edges', async () => {
    const done = await waitForStatus(started.invoices, ['completed'], 90_000);
    expect(done).toMatchObject({ progress: 100, message: '3 of 3 rendered' });
    // The parent's row comes from Temporal first-hand; its children's from the table's next poll.
    const children = await waitFor('the three children completed in the table', async () => {
      const rows = (await api<Task[]>(`/tasks?task_type=renderInvoice&limit=100`)).body.filter((t) => t.parent_id === started.invoices);
      return rows.length === 3 && rows.every((t) => t.status === 'completed') ? rows : undefined;
    });
    for (const child of children) expect(child).toMatchObject({ status: 'completed', progress: 100, message: 'page 4 of 4' });
    const graph = (await api<TaskGraph>(`/graph?task=${started.invoices}`)).body;
    expect(graph.edges.filter((e) => e.kind === 'child' && e.source === started.invoices).map((e) => e.target).sort()).toEqual(children.map((c) => c.id).sort());
    expect(graph.critical_path.task_ids).toEqual([started.invoices]);
  });
});

describe('the plugin in a worker that has interceptors of its own', () => {
  let connection: NativeConnection;
  let clientConnection: Connection;
  const seen = { activity: 0, activityInbound: 0, client: 0 };

  beforeAll(async () => {
    connection = await NativeConnection.connect({ address: inject('temporalAddress') });
    clientConnection = await Connection.connect({ address: inject('temporalAddress') });
  });
  afterAll(async () => {
    await connection?.close();
    await clientConnection?.close();
  });

  it('keeps every one of them (workflow, activity, deprecated activityInbound, client) and still tracks the workflow', async () => {
    const taskQueue = uniqueTag('merge');
    const plugin = new TaskdeckPlugin({ tag: 'merge' });
    const worker = await Worker.create({
      connection,
      taskQueue,
      workflowsPath: join(__dirname, 'fixtures/pluginWorkflows.ts'),
      activities: { greet: async (name: string) => `hello ${name}` },
      interceptors: {
        workflowModules: [join(__dirname, 'fixtures/userInterceptors.ts')],
        activity: [() => ({ inbound: { execute: async (input, next) => (seen.activity++, next(input)) } })],
        activityInbound: [() => ({ execute: async (input, next) => (seen.activityInbound++, next(input)) })],
      },
      plugins: [plugin],
    });
    const client = new Client({
      connection: clientConnection,
      interceptors: { workflow: [{ start: async (input, next) => (seen.client++, next(input)), startWithDetails: async (input, next) => (seen.client++, next(input)) }] },
      plugins: [plugin],
    });
    const result = await worker.runUntil(client.workflow.execute('greeting', { taskQueue, workflowId: uniqueTag('merged'), args: [{ name: 'Ada' }] }));
    expect(result).toEqual({ intercepted: true, result: 'hello Ada' });
    expect(seen.activity).toBeGreaterThan(0);
    expect(seen.activityInbound).toBeGreaterThan(0);
    expect(seen.client).toBeGreaterThan(0);
    const rows = await waitFor('the tracked workflow', async () => {
      const { body } = await api<Task[]>('/tasks?tag=merge&limit=10');
      return body.length > 0 && body[0].status === 'completed' ? body : undefined;
    });
    expect(rows[0]).toMatchObject({ task_type: 'greeting', status: 'completed', progress: 100 });
  });

  it('works with a bundle prebuilt with bundleWorkflowCode({ plugins }), options included', async () => {
    const taskQueue = uniqueTag('prebuilt');
    const plugin = new TaskdeckPlugin({ tag: taskQueue, nameFrom: 'name' });
    const workflowBundle = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'fixtures/pluginWorkflows.ts'), plugins: [plugin] });
    const worker = await Worker.create({ connection, taskQueue, workflowBundle, activities: { greet: async (name: string) => `hi ${name}` }, plugins: [plugin] });
    const client = new Client({ connection: clientConnection });
    await worker.runUntil(client.workflow.execute('greeting', { taskQueue, workflowId: uniqueTag('prebuilt'), args: [{ name: 'Grace' }] }));
    const row = await waitFor('the prebuilt bundle’s task', async () => (await api<Task[]>(`/tasks?tag=${taskQueue}`)).body.find((t) => t.status === 'completed'));
    expect(row).toMatchObject({ task_type: 'greeting', name: 'Grace', tag: taskQueue });
  });

  it('registers Taskdeck’s search attributes at worker start in a namespace that lacks them', async () => {
    const namespace = uniqueTag('fresh');
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(86_400) } });
    const attributes = async () => Object.keys((await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {});
    await waitFor('the new namespace', async () => (await attributes()) !== undefined);
    expect(await attributes()).not.toContain('TaskdeckType');
    const worker = await Worker.create({
      connection,
      namespace,
      taskQueue: uniqueTag('fresh'),
      workflowsPath: join(__dirname, 'fixtures/pluginWorkflows.ts'),
      activities: { greet: async () => 'hi' },
      plugins: [new TaskdeckPlugin()],
    });
    await worker.runUntil(waitFor('the attributes', async () => (await attributes()).includes('TaskdeckType')));
    expect(await attributes()).toEqual(expect.arrayContaining(['TaskdeckType', 'TaskdeckStatus', 'TaskdeckProgress', 'TaskdeckUpdatedAt', 'TaskdeckStartedAt', 'TaskdeckTag']));
  });

  it('adds at most 10 history events to a workflow, besides its throttled progress', async () => {
    const taskQueue = uniqueTag('cost');
    const activities = { greet: async (name: string) => `hi ${name}` };
    const workflowsPath = join(__dirname, 'fixtures/pluginWorkflows.ts');
    const plain = await Worker.create({ connection, taskQueue: `${taskQueue}-plain`, workflowsPath, activities });
    const tracked = await Worker.create({ connection, taskQueue, workflowsPath, activities, plugins: [new TaskdeckPlugin()] });
    const client = new Client({ connection: clientConnection });
    const run = (w: Worker, queueName: string) =>
      w.runUntil(async () => {
        const handle = await client.workflow.start('plainGreeting', { taskQueue: queueName, workflowId: uniqueTag('cost'), args: [{ name: 'x' }] });
        await handle.result();
        return (await handle.fetchHistory()).events!.length;
      });
    const without = await run(plain, `${taskQueue}-plain`);
    const withPlugin = await run(tracked, taskQueue);
    expect(withPlugin - without).toBeLessThanOrEqual(10);
  });
});
