import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type * as Contract from '../../core/contract';
import type { TaskGraph } from '../../core/graph';
import { pngImage } from '../support/fixtures';
import { api, startTask, temporalClient, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

interface Linked extends Task {
  depends_on: string[];
  pipeline_id: string | null;
}

const gates = mkdtempSync(join(tmpdir(), 'taskdeck-gates-'));
/** A command that runs until its gate file appears, then exits with `code`. */
function gated(gate: string, code = 0): { command: string } {
  return { command: `while [ ! -f '${join(gates, gate)}' ]; do sleep 0.2; done; echo through; exit ${code}` };
}
const open = (gate: string) => writeFileSync(join(gates, gate), '');

async function start(body: { name: string; input: Record<string, unknown>; depends_on?: string[]; tag: string }): Promise<Linked> {
  const res = await api<Linked>('/tasks', { method: 'POST', json: { type: 'command', ...body } });
  if (res.status !== 201) throw new Error(`POST /tasks answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}
const detail = async (id: string) => (await api<Linked>(`/tasks/${id}`)).body;

describe('depends_on', () => {
  it('keeps a task pending, naming what it waits for, until its upstream task completes; then it runs', async () => {
    const tag = uniqueTag('deps-wait');
    const invoice = await start({ tag, name: 'Generate_Invoice', input: gated(`${tag}-invoice`) });
    const email = await start({ tag, name: 'Send_Email_Invoice', input: { command: 'echo sent' }, depends_on: [invoice.id, invoice.id] });
    // Listed twice, waited for once.
    expect(email.depends_on).toEqual([invoice.id]);
    await waitForStatus(invoice.id, ['running']);
    const waiting = await waitFor('the waiting message', async () => {
      const task = await detail(email.id);
      return task.message?.includes('Generate_Invoice') ? task : undefined;
    });
    expect(waiting.status).toBe('pending');
    expect(waiting.message).toBe('Waiting for upstream task: Generate_Invoice');
    expect(waiting.started_at).toBeNull();

    open(`${tag}-invoice`);
    const done = await waitForStatus(email.id, ['completed', 'failed', 'upstream_failed']);
    expect(done.status).toBe('completed');
    const { body: upstream } = await api<{ timeline: { status: string; at: string }[] }>(`/tasks/${invoice.id}`);
    const completedAt = upstream.timeline.find((step) => step.status === 'completed')!.at;
    // It started processing only after its upstream task had completed.
    expect(Date.parse(done.started_at!)).toBeGreaterThanOrEqual(Date.parse(completedAt));

    // The row in the table carries the edge.
    const { body: rows } = await api<Linked[]>(`/tasks?tag=${tag}`);
    expect(rows.find((r) => r.id === email.id)?.depends_on).toEqual([invoice.id]);
  });

  it('runs at once when its upstream task has already completed', async () => {
    const tag = uniqueTag('deps-done');
    const first = await start({ tag, name: 'first', input: { command: 'true' } });
    await waitForStatus(first.id, ['completed']);
    const second = await start({ tag, name: 'second', input: { command: 'true' }, depends_on: [first.id] });
    expect((await waitForStatus(second.id, ['completed', 'upstream_failed'])).status).toBe('completed');
  });

  it('ends every task downstream of a failure upstream_failed without running it, and the graph shows the blocked tasks', async () => {
    const tag = uniqueTag('deps-fail');
    const extract = await start({ tag, name: 'extract', input: { command: 'sleep 2; echo boom >&2; exit 3' } });
    const transform = await start({ tag, name: 'transform', input: { command: 'echo ran' }, depends_on: [extract.id] });
    const load = await start({ tag, name: 'load', input: { command: 'echo ran' }, depends_on: [transform.id] });

    expect((await waitForStatus(extract.id, ['failed', 'completed'])).status).toBe('failed');
    const middle = await waitForStatus(transform.id, ['upstream_failed', 'completed', 'failed']);
    expect(middle.status).toBe('upstream_failed');
    expect(middle.task_status).toBe('F');
    expect(middle.error).toBe('Upstream task extract failed');
    expect(middle.started_at).toBeNull();
    const last = await waitForStatus(load.id, ['upstream_failed', 'completed', 'failed']);
    expect(last.status).toBe('upstream_failed');
    expect(last.error).toMatch(/^Upstream task transform could not run/);

    const graph = await waitFor('the graph to show all three ended', async () => {
      const { body } = await api<TaskGraph>(`/graph?task=${transform.id}`);
      return body.nodes.length === 3 && body.nodes.every((n) => n.status !== 'pending') ? body : undefined;
    });
    const node = (id: string) => graph.nodes.find((n) => n.id === id)!;
    expect(node(extract.id)).toMatchObject({ status: 'failed', blocked_by: [] });
    expect(node(transform.id)).toMatchObject({ status: 'upstream_failed', blocked_by: [extract.id] });
    expect(node(load.id)).toMatchObject({ status: 'upstream_failed', blocked_by: [extract.id] });
    expect(graph.edges.map((e) => [e.source, e.target, e.kind]).sort()).toEqual(
      [
        [extract.id, transform.id, 'depends_on'],
        [transform.id, load.id, 'depends_on'],
      ].sort(),
    );
    // Only extract ran: the chain's time is its time.
    expect(graph.critical_path.task_ids[0]).toBe(extract.id);
    expect(graph.critical_path.duration_ms).toBe(node(extract.id).duration_ms);
  });

  it('ends a waiting task upstream_failed when its upstream task is aborted, or terminated from outside Taskdeck', async () => {
    const tag = uniqueTag('deps-abort');
    const aborted = await start({ tag, name: 'to-abort', input: gated(`${tag}-never`) });
    const terminated = await start({ tag, name: 'to-terminate', input: gated(`${tag}-never`) });
    const waiting = await start({ tag, name: 'waits-for-abort', input: { command: 'true' }, depends_on: [aborted.id] });
    const orphan = await start({ tag, name: 'waits-for-terminate', input: { command: 'true' }, depends_on: [terminated.id] });
    await waitForStatus(aborted.id, ['running']);
    await waitForStatus(terminated.id, ['running']);
    expect((await api(`/tasks/${aborted.id}/abort`, { method: 'POST' })).status).toBe(202);
    const afterAbort = await waitForStatus(waiting.id, ['upstream_failed', 'completed']);
    expect(afterAbort.error).toBe('Upstream task to-abort was aborted');

    // A terminated task never says it ended; the waiting task finds out when it looks again.
    const { client, close } = await temporalClient();
    try {
      await client.workflow.getHandle(terminated.id).terminate('test');
    } finally {
      await close();
    }
    const afterTerminate = await waitForStatus(orphan.id, ['upstream_failed', 'completed'], 60_000);
    expect(afterTerminate.error).toBe('Upstream task to-terminate was terminated');
  });

  it('refuses an unknown upstream task with a 400 naming the entry, and starts nothing', async () => {
    const tag = uniqueTag('deps-unknown');
    const known = await start({ tag, name: 'known', input: { command: 'true' } });
    const res = await api<{ error: string; field: string }>('/tasks', {
      method: 'POST',
      json: { type: 'command', tag, input: { command: 'true' }, depends_on: [known.id, 'no-such-task'] },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field: 'depends_on.1', error: 'depends_on.1: no task no-such-task' });
    const notAList = await api<{ field: string }>('/tasks', { method: 'POST', json: { type: 'command', tag, input: { command: 'true' }, depends_on: known.id } });
    expect(notAList.status).toBe(400);
    expect(notAList.body.field).toBe('depends_on');
    await new Promise((r) => setTimeout(r, 1500));
    const { body: rows } = await api<Task[]>(`/tasks?tag=${tag}`);
    expect(rows.map((r) => r.id)).toEqual([known.id]);
  });

  it('waits for the retry of a failed upstream task when the task that could not run is retried', async () => {
    const tag = uniqueTag('deps-retry');
    const gate = `${tag}-fixed`;
    // Fails until the gate exists: the retry, started after the gate opens, succeeds.
    const flaky = await start({ tag, name: 'flaky', input: { command: `test -f '${join(gates, gate)}'` } });
    const after = await start({ tag, name: 'after', input: { command: 'true' }, depends_on: [flaky.id] });
    await waitForStatus(after.id, ['upstream_failed']);
    open(gate);
    const flakyRetry = (await api<Linked>(`/tasks/${flaky.id}/retry`, { method: 'POST' })).body;
    const afterRetry = (await api<Linked>(`/tasks/${after.id}/retry`, { method: 'POST' })).body;
    expect(afterRetry.depends_on).toEqual([flakyRetry.id]);
    expect((await waitForStatus(afterRetry.id, ['completed', 'upstream_failed'])).status).toBe('completed');
  });

  it('waits the same way for a task started from the Temporal client with depends_on in its argument', async () => {
    const tag = uniqueTag('deps-cli');
    const upstream = await startTask({ tag, name: 'upstream', input: { command: 'sleep 1' } });
    const { client, close } = await temporalClient();
    try {
      const handle = await client.workflow.start('command', {
        taskQueue: inject('taskQueue'),
        workflowId: `${tag}-downstream`,
        args: [{ input: { command: 'true' }, tag, name: 'downstream', depends_on: [upstream.id] }],
      });
      const done = await waitForStatus(handle.workflowId, ['completed', 'upstream_failed']);
      expect(done.status).toBe('completed');
      expect((await detail(handle.workflowId)).depends_on).toEqual([upstream.id]);
    } finally {
      await close();
    }
  });
});

type PipelineDetail = Contract.PipelineDetail;

const postPipeline = (json: unknown) => api<PipelineDetail & { error: string; field: string }>('/pipelines', { method: 'POST', json });
const pipeline = async (id: string) => (await api<PipelineDetail>(`/pipelines/${id}`)).body;

describe('pipelines', () => {
  it('runs its tasks as children of one parent workflow, upstream first; a failure in the middle ends what follows it upstream_failed', async () => {
    const tag = uniqueTag('pipe');
    const created = await postPipeline({
      name: 'Nightly invoices',
      tag,
      tasks: [
        { key: 'generate', type: 'command', input: { command: 'sleep 1; echo generated' } },
        { key: 'render', type: 'command', input: { command: 'echo "cannot render" >&2; exit 4' }, depends_on: ['generate'] },
        { key: 'send', type: 'command', input: { command: 'echo sent' }, depends_on: ['render'] },
        { key: 'archive', type: 'command', input: { command: 'echo archived' }, depends_on: ['generate'] },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/pipelines/${created.body.id}`);
    const { id, tasks } = created.body;
    expect(created.body).toMatchObject({ name: 'Nightly invoices', status: 'running', task_count: 4 });
    const idOf = (key: string) => tasks.find((t) => t.key === key)!.id;
    expect(created.body.edges).toEqual(
      expect.arrayContaining([
        { source: idOf('generate'), target: idOf('render') },
        { source: idOf('render'), target: idOf('send') },
        { source: idOf('generate'), target: idOf('archive') },
      ]),
    );

    expect((await waitForStatus(idOf('generate'), ['completed', 'failed'])).status).toBe('completed');
    const render = await waitForStatus(idOf('render'), ['completed', 'failed']);
    expect(render).toMatchObject({ status: 'failed', exit_code: 4 });
    const send = await waitForStatus(idOf('send'), ['completed', 'upstream_failed']);
    expect(send).toMatchObject({ status: 'upstream_failed', error: 'Upstream task render failed', name: 'send', tag });
    expect((await waitForStatus(idOf('archive'), ['completed', 'upstream_failed'])).status).toBe('completed');

    // The pipeline ends failed, and says how far it got.
    const ended = await waitFor('the pipeline to end', async () => {
      const body = await pipeline(id);
      return body.status !== 'running' && (body.counts.completed ?? 0) === 2 ? body : undefined;
    });
    expect(ended).toMatchObject({ status: 'failed', counts: { completed: 2, failed: 1, upstream_failed: 1 } });
    const { body: list } = await api<PipelineDetail[]>('/pipelines');
    expect(list.find((p) => p.id === id)).toMatchObject({ name: 'Nightly invoices', status: 'failed', task_count: 4 });
    const { body: rows } = await api<Linked[]>(`/tasks?pipeline=${id}`);
    // Its progress is the work done, not 100 because every task ended: two of four completed.
    expect(ended.progress).toBe(Math.floor(rows.reduce((sum, r) => sum + r.progress, 0) / 4));
    expect(ended.progress).toBeLessThan(100);
    expect(rows.map((r) => r.id).sort()).toEqual(tasks.map((t) => t.id).sort());
    expect(rows.every((r) => r.pipeline_id === id)).toBe(true);
    // The table knows the parent too (parent_id), from visibility.
    expect(rows.every((r) => r.parent_id === id)).toBe(true);

    // Temporal itself records the relationship: the Temporal UI shows the pipeline as the parent.
    const { client, close } = await temporalClient();
    try {
      const child = await client.workflow.getHandle(idOf('send')).describe();
      expect(child.parentExecution?.workflowId).toBe(id);
      const parent = await client.workflow.getHandle(id).describe();
      expect(parent.status.name).toBe('FAILED');
    } finally {
      await close();
    }

    const { body: graph } = await api<TaskGraph>(`/graph?pipeline=${id}`);
    expect(graph.nodes).toHaveLength(4);
    expect(graph.edges).toHaveLength(3);
    // Its one group, named as the pipeline is, for the page to draw as one node.
    expect(graph.groups).toEqual([{ kind: 'pipeline', id, name: 'Nightly invoices', within: null }]);
    expect(graph.nodes.find((n) => n.id === idOf('send'))).toMatchObject({ status: 'upstream_failed', blocked_by: [idOf('render')] });
    expect(graph.nodes.find((n) => n.id === idOf('archive'))).toMatchObject({ status: 'completed', blocked_by: [] });
    // The critical path is the longer of the two chains out of generate (send never ran).
    const took = (key: string) => graph.nodes.find((n) => n.id === idOf(key))!.duration_ms ?? 0;
    expect(graph.critical_path.task_ids[0]).toBe(idOf('generate'));
    expect(graph.critical_path.duration_ms).toBe(took('generate') + Math.max(took('render'), took('archive')));
    const path = graph.critical_path.task_ids;
    const onPath = path.slice(1).map((target, i) => `${path[i]}>${target}`).sort();
    expect(graph.edges.filter((e) => e.critical).map((e) => `${e.source}>${e.target}`).sort()).toEqual(onPath);
  });

  it('aborting a pipeline aborts its running tasks and those still waiting', async () => {
    const tag = uniqueTag('pipe-abort');
    const { body } = await postPipeline({
      name: 'to abort',
      tag,
      tasks: [
        { key: 'slow', type: 'command', input: gated(`${tag}-never`) },
        { key: 'after', type: 'command', input: { command: 'echo after' }, depends_on: ['slow'] },
      ],
    });
    const idOf = (key: string) => body.tasks.find((t) => t.key === key)!.id;
    await waitForStatus(idOf('slow'), ['running']);
    const abort = await api<PipelineDetail>(`/pipelines/${body.id}/abort`, { method: 'POST' });
    expect(abort.status).toBe(202);
    expect((await waitForStatus(idOf('slow'), ['aborted', 'completed', 'failed'])).status).toBe('aborted');
    expect((await waitForStatus(idOf('after'), ['aborted', 'upstream_failed', 'completed'])).status).toMatch(/aborted|upstream_failed/);
    const ended = await waitFor('the pipeline to end aborted', async () => {
      const p = await pipeline(body.id);
      return p.status !== 'running' ? p : undefined;
    });
    expect(ended.status).toBe('aborted');
    const again = await api<{ error: string }>(`/pipelines/${body.id}/abort`, { method: 'POST' });
    expect(again.status).toBe(409);
  });

  it('lets a later task of the pipeline work on the dataset an earlier one holds: each takes the dataset when it runs', async () => {
    const tag = uniqueTag('pipe-data');
    const datasetId = `pipe-${Math.random().toString(36).slice(2, 8)}`;
    const folder = mkdtempSync(join(tmpdir(), 'taskdeck-pipe-'));
    writeFileSync(join(folder, 'red.png'), pngImage([250, 20, 20], 1));
    writeFileSync(join(folder, 'blue.png'), pngImage([20, 20, 250], 2));
    const { body, status } = await postPipeline({
      name: 'create then enrich',
      tag,
      tasks: [
        { key: 'create', type: 'dataset_creation', dataset_id: datasetId, input: { folder } },
        { key: 'enrich', type: 'enrichment', dataset_id: datasetId, input: {}, depends_on: ['create'] },
      ],
    });
    expect(status).toBe(201);
    const enrich = await waitForStatus(body.tasks[1].id, ['completed', 'failed', 'upstream_failed'], 60_000);
    expect(enrich.status, enrich.error ?? '').toBe('completed');
    expect(enrich.dataset_id).toBe(datasetId);
  });

  it('says when a running pipeline should end, from the durations of its earlier run', async () => {
    const tag = uniqueTag('pipe-expected');
    const name = `expected ${tag}`;
    const tasks = (gate?: string) => [
      { key: 'fetch', type: 'command', input: { command: 'sleep 2' } },
      { key: 'load', type: 'command', input: gate ? gated(gate) : { command: 'sleep 3' }, depends_on: ['fetch'] },
    ];
    const first = await postPipeline({ name, tag, tasks: tasks() });
    await waitFor('the first run to complete', async () => ((await pipeline(first.body.id)).status === 'completed' ? true : undefined), 60_000);
    expect((await pipeline(first.body.id)).expected_end).toBeNull();

    const second = await postPipeline({ name, tag, tasks: tasks(`${tag}-load`) });
    const idOf = (key: string) => second.body.tasks.find((t) => t.key === key)!.id;
    const fetched = await waitForStatus(idOf('fetch'), ['completed'], 60_000);
    const running = await waitFor('the load task to run', async () => {
      const p = await pipeline(second.body.id);
      return p.counts.running ? p : undefined;
    });
    // fetch took its ~2 s; load runs about as long as last time (~3 s) from when it started.
    expect(running.expected_end?.earlier_runs).toBe(1);
    const expected = Date.parse(running.expected_end!.at);
    const loadStarted = Date.parse((await detail(idOf('load'))).started_at ?? fetched.end_date!);
    expect(expected).toBeGreaterThanOrEqual(loadStarted + 2500);
    expect(expected).toBeLessThan(loadStarted + 15_000);
    open(`${tag}-load`);
    await waitFor('the second run to complete', async () => ((await pipeline(second.body.id)).status === 'completed' ? true : undefined), 60_000);
  });

  it('refuses a cycle, an unknown or repeated key and a bad input with a 400 naming it, and starts nothing', async () => {
    const tag = uniqueTag('pipe-bad');
    const task = (key: string, depends_on?: string[]) => ({ key, type: 'command', input: { command: 'true' }, ...(depends_on && { depends_on }) });
    const cases: [unknown, string, RegExp][] = [
      [{ name: 'cycle', tag, tasks: [task('a', ['c']), task('b', ['a']), task('c', ['b'])] }, 'tasks', /cycle, (a → b → c → a|b → c → a → b|c → a → b → c)/],
      [{ name: 'self', tag, tasks: [task('a', ['a'])] }, 'tasks', /cycle, a → a/],
      [{ name: 'unknown', tag, tasks: [task('a'), task('b', ['a', 'x'])] }, 'tasks.1.depends_on.1', /no task with key 'x'/],
      [{ name: 'twice', tag, tasks: [task('a'), task('a')] }, 'tasks.1.key', /already the key of tasks.0/],
      [{ name: 'input', tag, tasks: [task('a'), { key: 'b', type: 'command', input: {} }] }, 'tasks.1.input.command', /./],
      [{ name: 'type', tag, tasks: [{ key: 'a', type: 'nope', input: {} }] }, 'tasks.0.type', /unknown task type 'nope'/],
      [{ name: 'empty', tag, tasks: [] }, 'tasks', /at least one task/],
      [{ tag, tasks: [task('a')] }, 'name', /./],
    ];
    for (const [json, field, message] of cases) {
      const res = await postPipeline(json);
      expect(res.status, JSON.stringify(json)).toBe(400);
      expect(res.body.field).toBe(field);
      expect(res.body.error).toMatch(message);
    }
    expect((await api(`/pipelines/no-such-pipeline`)).status).toBe(404);
    await new Promise((r) => setTimeout(r, 1500));
    const { body: rows } = await api<Task[]>(`/tasks?tag=${tag}`);
    expect(rows).toEqual([]);
  });
});
