import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ApplicationFailure, heartbeat, sleep } from '@temporalio/activity';
import { Client, Connection } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { NativeConnection, Worker } from '@temporalio/worker';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { TaskDetail, TaskTypeInfo } from '../../core/contract';
import { reportProgress } from '../../plugin/src/activity';
import { TaskdeckPlugin } from '../../plugin/src/plugin';
import { APP, pythonEnv, run, startWorker as startPythonWorker, startWorkflows as startPythonWorkflows, type Started } from '../support/pythonApp';
import { stopProcess } from '../support/stack';
import { api, waitFor, waitForStatus, type Task } from './helpers';

/**
 * The Python plugin (plugin/python, `taskdeck-temporal`) for real: a virtual environment with the
 * Python example's requirements (which install the plugin from its folder), the example's own
 * worker as a process on the suite's dev server, its starter, and everything checked through
 * Taskdeck's HTTP API. Also runs the package's pytest suite, measures the plugin's history
 * overhead against the same workflows on a worker without it, and compares its tasks with a
 * TypeScript-plugin worker's.
 */
const BASELINE_WORKER = join(__dirname, 'fixtures/python_baseline_worker.py');
const REPLAY = join(__dirname, 'fixtures/python_replay.py');

const queue = `py-plugin-${randomUUID().slice(0, 8)}`;
const customer = `py${randomUUID().slice(0, 6)}`;
/** The workflow types of the example, as Taskdeck shows them: Python class names. */
const TYPES = ['ProcessInvoices', 'RenderInvoice', 'SyncLedger', 'ExportArchive'];
const LEDGER_ERROR = (who: string) => `The ledger refused the batch of ${who}: account 42 is closed`;


let python: string;
let connection: Connection;
let client: Client;
let ids: Started;
const processes: ChildProcess[] = [];

const startWorker = async (script: string, taskQueue: string): Promise<ChildProcess> => {
  const child = await startPythonWorker(python, script, inject('temporalAddress'), taskQueue);
  processes.push(child);
  return child;
};
const startWorkflows = (who: string, taskQueue: string, pages: number, pageMs: number): Promise<Started> =>
  startPythonWorkflows(python, inject('temporalAddress'), who, taskQueue, pages, pageMs);

const detail = async (id: string): Promise<TaskDetail> => (await api<TaskDetail>(`/tasks/${id}`)).body;
const history = async (id: string): Promise<temporal.api.history.v1.IHistoryEvent[]> => (await client.workflow.getHandle(id).fetchHistory()).events ?? [];
const progressSignals = (events: temporal.api.history.v1.IHistoryEvent[]): number =>
  events.filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'taskdeck.progress').length;
/** The fields a row fills: what "looks the same" compares. */
const filled = (row: object): string[] =>
  Object.entries(row)
    .filter(([, value]) => value !== null && value !== undefined)
    .map(([key]) => key)
    .sort();
/** An outcome without throwing: ledger workflows fail on purpose. */
const settled = (id: string) => client.workflow.getHandle(id).result().catch(() => undefined);

beforeAll(async () => {
  const began = Date.now();
  python = await pythonEnv();
  console.log(`python plugin: venv ready in ${Date.now() - began} ms (${python})`);
  connection = await Connection.connect({ address: inject('temporalAddress') });
  client = new Client({ connection });
}, 600_000);

afterAll(async () => {
  await Promise.all(processes.map((child) => stopProcess(child, 'SIGTERM')));
  await connection?.close();
});

describe('the Python plugin (taskdeck-temporal)', () => {
  it("passes the package's own pytest suite", async () => {
    const ran = await run(python, ['-m', 'pytest', '-q', '-p', 'no:cacheprovider', 'plugin/python/tests']);
    const summary = ran.stdout.trim().split('\n').pop() ?? '';
    // The summary line in the suite's output, where CI's log shows it.
    console.log(`pytest plugin/python/tests: ${summary}`);
    expect(ran.code, `${ran.stdout}\n${ran.stderr}`).toBe(0);
    expect(summary).toMatch(/^\d+ passed/);
    expect(summary).not.toMatch(/failed|error/);
  });

  it('lists what the starter started as pending before any worker ran it: type, name and tag', async () => {
    // The long export: 120 pages of half a second, aborted below long before its end.
    ids = await startWorkflows(customer, queue, 120, 500);
    const expected = { invoices: 'ProcessInvoices', ledger: 'SyncLedger', archive: 'ExportArchive' } as const;
    try {
      // In parallel: without a worker, each detail waits for its state query to time out.
      const keys = ['invoices', 'ledger', 'archive'] as const;
      const tasks = await Promise.all(keys.map((key) => detail(ids[key])));
      keys.forEach((key, n) => {
        expect(tasks[n]).toMatchObject({ task_type: expected[key], status: 'pending', name: customer, tag: 'invoices', progress: 0, started_at: null });
        // No worker answers yet: the input is read from how the workflow was started.
        expect(tasks[n].input).toMatchObject({ customer });
      });
    } finally {
      // The tests below need it, whatever this one found.
      await startWorker('worker.py', queue);
    }
  });

  it('runs them: running with progress and message moving, completed at 100 %, failed with its message', async () => {
    const first = await waitFor('the export to report progress', async () => {
      const task = await detail(ids.archive);
      return task.status === 'running' && task.progress > 0 && task.message?.match(/^page \d+ of 120$/) ? task : undefined;
    });
    expect(first.started_at).not.toBeNull();
    const later = await waitFor('the export to progress further', async () => {
      const task = await detail(ids.archive);
      return task.progress > first.progress && task.message !== first.message ? task : undefined;
    });
    expect(later.status).toBe('running');

    const invoices = await waitForStatus(ids.invoices, ['completed', 'failed']);
    expect(invoices).toMatchObject({ status: 'completed', progress: 100, task_type: 'ProcessInvoices', message: '3 of 3 rendered', error: null });
    const invoicesDetail = await detail(ids.invoices);
    expect(invoicesDetail.timeline.map((entry) => entry.status)).toEqual(['pending', 'running', 'completed']);
    expect(invoicesDetail.input).toEqual({ customer, invoices: 3 });
    expect(invoicesDetail.result).toBe(3);

    const ledger = await waitForStatus(ids.ledger, ['completed', 'failed']);
    expect(ledger).toMatchObject({ status: 'failed', error: LEDGER_ERROR(customer), failed_step: 'running', task_type: 'SyncLedger' });
    expect((await detail(ids.ledger)).error_detail).toEqual({ message: LEDGER_ERROR(customer), step: 'running' });
  });

  it('makes child workflows tasks with parent_id, drawn as child edges', async () => {
    const children = [1, 2, 3].map((n) => `${ids.invoices}-invoice-${n}`);
    for (const id of children) {
      expect(await detail(id)).toMatchObject({ task_type: 'RenderInvoice', status: 'completed', parent_id: ids.invoices, progress: 100, message: 'page 4 of 4' });
    }
    const graph = await waitFor('the child edges', async () => {
      const { body } = await api<{ edges: { source: string; target: string; kind: string }[] }>(`/graph?task=${ids.invoices}`);
      const edges = body.edges.filter((edge) => edge.kind === 'child' && edge.source === ids.invoices);
      return edges.length === children.length ? edges : undefined;
    });
    expect(graph.map((edge) => edge.target).sort()).toEqual(children);
  });

  it('lists the workflow types in /task-types as plugin types', async () => {
    const types = await waitFor('the plugin types', async () => {
      const { body } = await api<TaskTypeInfo[]>('/task-types');
      const ours = body.filter((type) => TYPES.includes(type.id));
      return ours.length === TYPES.length ? ours : undefined;
    });
    for (const type of types) expect(type.source).toBe('plugin');
    expect(types.find((type) => type.id === 'ProcessInvoices')?.label).toBe('Process Invoices');
  });

  it('honours depends_on: waits, runs after a completed task, ends upstream_failed after a failed one', async () => {
    // Started by a plain client (no plugin): they appear at their first run.
    const start = (id: string, dependsOn: string[]) =>
      client.workflow.start('ExportArchive', { taskQueue: queue, workflowId: id, args: [{ customer: id, pages: 2, page_ms: 100, depends_on: dependsOn }] });
    const afterInvoices = await start(`${customer}-after-invoices`, [ids.invoices]);
    const afterLedger = await start(`${customer}-after-ledger`, [ids.ledger]);
    await settled(afterInvoices.workflowId);
    await settled(afterLedger.workflowId);
    const ran = await waitForStatus(afterInvoices.workflowId, ['completed', 'failed', 'upstream_failed']);
    expect(ran).toMatchObject({ status: 'completed', depends_on: [ids.invoices], progress: 100 });
    const blocked = await waitForStatus(afterLedger.workflowId, ['completed', 'failed', 'upstream_failed']);
    expect(blocked).toMatchObject({ status: 'upstream_failed', depends_on: [ids.ledger], error: `Upstream task ${customer} failed`, failed_step: 'pending' });
    // The graph is drawn from the task index, which follows visibility.
    await waitFor('the depends_on edge', async () => {
      const { status, body } = await api<{ edges?: { source: string; target: string; kind: string }[] }>(`/graph?task=${afterLedger.workflowId}`);
      return status === 200 && body.edges?.some((edge) => edge.source === ids.ledger && edge.target === afterLedger.workflowId && edge.kind === 'depends_on');
    });
  });

  it('ends the long one aborted on POST /tasks/:id/abort, and a task waiting for it upstream_failed', async () => {
    // A task that waits for the running export: it learns of the abort from the export's signal.
    const waiting = await client.workflow.start('ExportArchive', {
      taskQueue: queue,
      workflowId: `${customer}-after-archive`,
      args: [{ customer: 'waits', pages: 2, page_ms: 100, depends_on: [ids.archive] }],
    });
    await waitFor('the dependant to wait', async () => {
      const task = await detail(waiting.workflowId);
      return task.status === 'pending' && task.message === `Waiting for upstream task: ${customer}`;
    });
    const before = await detail(ids.archive);
    const abort = await api<Task>(`/tasks/${ids.archive}/abort`, { method: 'POST' });
    expect(abort.status).toBe(202);
    const aborted = await waitForStatus(ids.archive, ['aborted', 'completed', 'failed']);
    expect(aborted.status).toBe('aborted');
    expect(aborted.progress).toBeGreaterThanOrEqual(before.progress);
    expect(aborted.progress).toBeLessThan(100);
    expect((await detail(ids.archive)).timeline.map((entry) => entry.status)).toEqual(['pending', 'running', 'aborted']);
    const blocked = await waitForStatus(waiting.workflowId, ['upstream_failed', 'completed', 'failed']);
    expect(blocked).toMatchObject({ status: 'upstream_failed', error: `Upstream task ${customer} was aborted` });
  });

  it('retries a failed task with POST /tasks/:id/retry: a new run on the Python worker, with retry_of', async () => {
    const { status, body } = await api<Task>(`/tasks/${ids.ledger}/retry`, { method: 'POST' });
    expect(status).toBe(201);
    expect(body).toMatchObject({ task_type: 'SyncLedger', retry_of: ids.ledger, name: customer, tag: 'invoices' });
    expect(body.id).toMatch(new RegExp(`^${ids.ledger}-retry-`));
    // It ran on the Python worker again: the same input, the same failure.
    const retried = await waitForStatus(body.id, ['failed', 'completed']);
    expect(retried).toMatchObject({ status: 'failed', error: LEDGER_ERROR(customer), retry_of: ids.ledger });
    await waitFor('the original to list its retry', async () => (await detail(ids.ledger)).retries.includes(body.id));
  });

  it("replays the tasks' histories with the plugin: completed, failed, aborted, waited and blocked", async () => {
    const histories = [
      ids.invoices,
      `${ids.invoices}-invoice-1`,
      ids.ledger,
      ids.archive,
      `${customer}-after-invoices`,
      `${customer}-after-ledger`,
      `${customer}-after-archive`,
    ];
    const ran = await run(python, [REPLAY, ...histories], { cwd: APP, env: { TEMPORAL_ADDRESS: inject('temporalAddress') } });
    expect(ran.stdout.trim().split('\n'), ran.stderr).toEqual(histories.map((id) => `${id} ok`));
    expect(ran.code).toBe(0);
  });

  it('adds at most 10 history events to a workflow, plus its throttled progress updates', async () => {
    const baseQueue = `${queue}-baseline`;
    await startWorker(BASELINE_WORKER, baseQueue);
    const [base, plugged] = await Promise.all([startWorkflows(`${customer}b`, baseQueue, 6, 200), startWorkflows(`${customer}p`, queue, 6, 200)]);
    await Promise.all([...Object.values(base), ...Object.values(plugged)].map(settled));
    const pairs: [string, string, string][] = [
      ['ProcessInvoices', base.invoices, plugged.invoices],
      ['RenderInvoice', `${base.invoices}-invoice-1`, `${plugged.invoices}-invoice-1`],
      ['SyncLedger', base.ledger, plugged.ledger],
      ['ExportArchive', base.archive, plugged.archive],
    ];
    for (const [type, withoutId, withId] of pairs) {
      const [without, withPlugin] = await Promise.all([history(withoutId), history(withId)]);
      // A progress signal costs at most 6 events (the signal, a workflow task's 3, the progress
      // and message upserts); a set_progress move in workflow code 2 (ProcessInvoices: one per invoice).
      const signals = progressSignals(withPlugin);
      const workflowSide = type === 'ProcessInvoices' ? 3 : 0;
      const allowed = 10 + 6 * signals + 2 * workflowSide;
      const extra = withPlugin.length - without.length;
      console.log(`history of ${type}: ${without.length} events without the plugin, ${withPlugin.length} with it (${signals} progress signals; at most ${allowed} more allowed)`);
      expect(extra).toBeLessThanOrEqual(allowed);
      expect(progressSignals(without)).toBe(0);
    }
    // Throttled: 6 reports in 1.2 s reach the workflow as the first, one a second later, and the last.
    expect(progressSignals(await history(plugged.archive))).toBeLessThanOrEqual(4);
  });

  it('shows a task of the Python plugin as it shows one of the TypeScript plugin', async () => {
    const tsQueue = `${queue}-ts`;
    const tsCustomer = `${customer}ts`;
    const plugin = new TaskdeckPlugin({ nameFrom: 'customer', tag: 'invoices' });
    const native = await NativeConnection.connect({ address: inject('temporalAddress') });
    const worker = await Worker.create({
      connection: native,
      taskQueue: tsQueue,
      workflowsPath: join(__dirname, 'fixtures/tsPluginWorkflows.ts'),
      activities: {
        // The Python example's export_pages and push_to_ledger, in TypeScript.
        async exportPages(pages: number, pageMs: number): Promise<number> {
          for (let page = 1; page <= pages; page++) {
            heartbeat(page);
            await sleep(pageMs);
            await reportProgress((page / pages) * 100, `page ${page} of ${pages}`);
          }
          return pages;
        },
        async pushToLedger(who: string): Promise<void> {
          await sleep(200);
          throw ApplicationFailure.create({ message: LEDGER_ERROR(who), nonRetryable: true });
        },
      },
      plugins: [plugin],
    });
    const running = worker.run();
    try {
      const tsClient = new Client({ connection, plugins: [plugin] });
      const archive = await tsClient.workflow.start('ExportArchive', { taskQueue: tsQueue, workflowId: `archive-${tsCustomer}`, args: [{ customer: tsCustomer, pages: 6, page_ms: 200 }] });
      const ledger = await tsClient.workflow.start('SyncLedger', { taskQueue: tsQueue, workflowId: `ledger-${tsCustomer}`, args: [{ customer: tsCustomer }] });
      await Promise.all([settled(archive.workflowId), settled(ledger.workflowId)]);

      const ts = {
        archive: await waitForStatus(archive.workflowId, ['completed']),
        ledger: await waitForStatus(ledger.workflowId, ['failed']),
      };
      // The Python plugin's tasks of the same workflows, from the history test's run, as the table lists them.
      // The table follows visibility: wait until it lists all four as ended.
      const rows = await waitFor('the table to list the four ended', async () => {
        const { body } = await api<Task[]>('/tasks?tag=invoices&limit=100');
        const ended = body.filter((r) => ['completed', 'failed'].includes(r.status));
        const ours = [`archive-${customer}p-`, `ledger-${customer}p-`, ts.archive.id, ts.ledger.id].filter((prefix) => ended.some((r) => r.id.startsWith(prefix)));
        return ours.length === 4 ? ended : undefined;
      });
      const row = (id: string) => rows.find((r) => r.id === id);
      const python = {
        archive: rows.find((r) => r.id.startsWith(`archive-${customer}p-`))!,
        ledger: rows.find((r) => r.id.startsWith(`ledger-${customer}p-`))!,
      };
      for (const key of ['archive', 'ledger'] as const) {
        const [py, typescript] = [python[key], row(ts[key].id)!];
        // The same type and status vocabulary; the same fields filled in the table's row and on the task page.
        expect([py.task_type, py.status]).toEqual([typescript.task_type, typescript.status]);
        expect(filled(py)).toEqual(filled(typescript));
        const [pyDetail, tsDetail] = await Promise.all([detail(py.id), detail(typescript.id)]);
        expect(filled(pyDetail)).toEqual(filled(tsDetail));
        expect(pyDetail.timeline.map((entry) => entry.status)).toEqual(tsDetail.timeline.map((entry) => entry.status));
        expect(pyDetail.error_detail).toEqual(tsDetail.error_detail && { ...tsDetail.error_detail, message: LEDGER_ERROR(`${customer}p`) });
        expect([pyDetail.progress, pyDetail.message, pyDetail.failed_step]).toEqual([tsDetail.progress, tsDetail.message, tsDetail.failed_step]);
        // The state query answers the same fields with the same kinds of value.
        const [pyState, tsState] = await Promise.all([client.workflow.getHandle(py.id).query('taskdeck.state'), client.workflow.getHandle(typescript.id).query('taskdeck.state')]);
        const kinds = (state: unknown) => Object.fromEntries(Object.entries(state as object).map(([field, value]) => [field, value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value]));
        expect(kinds(pyState)).toEqual(kinds(tsState));
      }
      // The same progress behaviour: throttled signals, the last report before the result.
      const [pySignals, tsSignals] = [progressSignals(await history(python.archive.id)), progressSignals(await history(archive.workflowId))];
      console.log(`progress signals for 6 reports in 1.2 s: Python plugin ${pySignals}, TypeScript plugin ${tsSignals}`);
      for (const signals of [pySignals, tsSignals]) {
        expect(signals).toBeGreaterThanOrEqual(2);
        expect(signals).toBeLessThanOrEqual(4);
      }
    } finally {
      worker.shutdown();
      await running;
      await native.close();
    }
  });
});
