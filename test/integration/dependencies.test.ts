import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import type { TaskGraph } from '../../core/graph';
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
    const afterTerminate = await waitForStatus(orphan.id, ['upstream_failed', 'completed'], 40_000);
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
