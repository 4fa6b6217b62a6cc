import { execFileSync } from 'node:child_process';
import { afterAll, describe, expect, inject, it } from 'vitest';
import type { ScheduleDetail, ScheduleSummary } from '../../core/contract';
import { api, startExtraApi, temporalClient, uniqueTag, waitFor, type Task } from './helpers';

/** Every schedule a test makes is deleted afterwards, so none keeps starting runs on the shared stack. */
const made = new Set<string>();
afterAll(async () => {
  await Promise.all([...made].map((id) => api(`/schedules/${id}`, { method: 'DELETE' }).catch(() => undefined)));
});

async function createSchedule(body: Record<string, unknown>, base?: string, headers?: Record<string, string>): Promise<ScheduleDetail> {
  const res = await api<ScheduleDetail>('/schedules', { method: 'POST', json: body, base, headers });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  made.add(res.body.id);
  return res.body;
}

const runsOf = async (id: string): Promise<Task[]> => (await api<Task[]>(`/tasks?schedule=${encodeURIComponent(id)}&limit=100&order=asc`)).body;
const detail = async (id: string): Promise<ScheduleDetail> => (await api<ScheduleDetail>(`/schedules/${encodeURIComponent(id)}`)).body;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const command = (cmd: string) => ({ type: 'command', input: { command: cmd } });

describe('a schedule every few seconds', () => {
  it('is a Temporal Schedule whose runs list with origin scheduled, the schedule, its trigger time and its group', async () => {
    const id = uniqueTag('every2s');
    const schedule = await createSchedule({ id, name: 'Generate_Invoice', group: 'billing', spec: { interval_seconds: 2 }, task: command('echo invoice') });
    expect(schedule).toMatchObject({ id, name: 'Generate_Invoice', group: 'billing', state: 'active', action: { kind: 'task', workflow_type: 'command' } });
    expect(schedule.spec).toMatchObject({ interval_seconds: 2, description: 'every 2 s' });
    expect(schedule.next_runs.length).toBeGreaterThan(0);

    // Temporal itself knows it: the same schedule through the SDK's own client.
    const { client, close } = await temporalClient();
    try {
      const described = await client.schedule.getHandle(id).describe();
      expect(described.action.workflowType).toBe('command');
    } finally {
      await close();
    }

    const runs = await waitFor('two completed scheduled runs', async () => {
      const all = await runsOf(id);
      const done = all.filter((r) => r.status === 'completed');
      if (done.length < 2) throw new Error(`runs so far: ${all.map((r) => `${r.id} ${r.status}`).join(', ')}`);
      return done;
    }, 60_000);
    for (const run of runs) {
      expect(run).toMatchObject({ origin: 'scheduled', schedule_id: id, group: 'billing', name: 'Generate_Invoice', task_type: 'command' });
      // An interval's runs are due on whole multiples of it; the trigger time is that due time.
      expect(Date.parse(run.trigger_time) % 2000).toBe(0);
      expect(Date.parse(run.created_at)).toBeGreaterThanOrEqual(Date.parse(run.trigger_time));
    }
    expect((await api<Task[]>(`/tasks?group=billing&origin=scheduled&limit=100`)).body.map((r) => r.id)).toEqual(expect.arrayContaining(runs.map((r) => r.id)));
    const after = await detail(id);
    expect(after.recent_runs.map((r) => r.id)).toEqual(expect.arrayContaining(runs.map((r) => r.id)));
    expect(after.last_run).not.toBeNull();

    // Pause stops the runs; the note says why.
    const paused = (await api<ScheduleDetail>(`/schedules/${id}/pause`, { method: 'POST', json: { note: 'month-end freeze' } })).body;
    expect(paused).toMatchObject({ state: 'paused', note: 'month-end freeze' });
    await sleep(1500); // a run due at the moment of the pause may still start
    const atPause = (await runsOf(id)).length;
    await sleep(5000);
    expect((await runsOf(id)).length).toBe(atPause);

    // Unpause resumes them.
    expect((await api<ScheduleDetail>(`/schedules/${id}/unpause`, { method: 'POST', json: {} })).body.state).toBe('active');
    await waitFor('a run after unpausing', async () => (await runsOf(id)).length > atPause);

    // Delete removes the schedule; its runs stay in the table.
    const before = await runsOf(id);
    expect((await api(`/schedules/${id}`, { method: 'DELETE' })).status).toBe(200);
    made.delete(id);
    expect((await api(`/schedules/${id}`)).status).toBe(404);
    expect((await api<ScheduleSummary[]>('/schedules')).body.map((s) => s.id)).not.toContain(id);
    const left = await runsOf(id);
    expect(left.map((r) => r.id)).toEqual(expect.arrayContaining(before.map((r) => r.id)));
    expect(left.every((r) => r.origin === 'scheduled')).toBe(true);
  });
});

describe('trigger now', () => {
  it('runs a paused hourly schedule at once', async () => {
    const id = uniqueTag('hourly');
    await createSchedule({ id, spec: { cron: '0 * * * *', timezone: 'Europe/Paris' }, paused: true, note: 'only by hand', task: command('echo now') });
    expect((await detail(id)).spec).toMatchObject({ cron: ['0 * * * *'], timezone: 'Europe/Paris' });
    const asked = Date.now();
    const res = await api<{ triggered_at: string }>(`/schedules/${id}/trigger`, { method: 'POST' });
    expect(res.status).toBe(202);
    const run = await waitFor('the triggered run to complete', async () => (await runsOf(id)).find((r) => r.status === 'completed'), 30_000);
    expect(run.origin).toBe('scheduled');
    expect(Math.abs(Date.parse(run.trigger_time) - asked)).toBeLessThan(10_000);
    expect((await detail(id)).state).toBe('paused');
  });
});

describe('overlap policy skip', () => {
  it('skips runs that fall due while the last one still runs', async () => {
    const id = uniqueTag('overlap');
    await createSchedule({ id, spec: { interval_seconds: 1 }, policy: { overlap: 'skip' }, task: command('sleep 6') });
    await waitFor('the first run', async () => (await runsOf(id)).length >= 1);
    await sleep(4000);
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    expect((await detail(id)).skipped_overlap).toBeGreaterThanOrEqual(2);
    await api(`/schedules/${id}`, { method: 'DELETE' });
    made.delete(id);
  });
});

describe('a scheduled pipeline', () => {
  it('runs its tasks in dependency order each time, each run with tasks of its own', async () => {
    const id = uniqueTag('invoices');
    const schedule = await createSchedule({
      id,
      group: 'billing',
      spec: { cron: '0 3 * * *' },
      pipeline: {
        name: 'nightly invoices',
        tasks: [
          { key: 'Send_Email_Invoice', depends_on: ['Generate_Invoice'], type: 'command', input: { command: 'echo sent' } },
          { key: 'Generate_Invoice', type: 'command', input: { command: 'sleep 1; echo generated' } },
        ],
      },
    });
    expect(schedule.action).toMatchObject({ kind: 'pipeline', workflow_type: 'taskdeck_pipeline' });
    expect(schedule.action.tasks).toEqual([
      { key: 'Send_Email_Invoice', type: 'command', depends_on: ['Generate_Invoice'] },
      { key: 'Generate_Invoice', type: 'command', depends_on: [] },
    ]);
    await api(`/schedules/${id}/trigger`, { method: 'POST' });
    await waitFor('the first pipeline run', async () => (await detail(id)).recent_runs.find((r) => r.kind === 'pipeline' && r.status === 'completed'), 60_000);
    await sleep(1100); // runs of one schedule are named by the second they were due
    await api(`/schedules/${id}/trigger`, { method: 'POST' });
    const runs = await waitFor('two completed pipeline runs', async () => {
      const done = (await detail(id)).recent_runs.filter((r) => r.status === 'completed');
      return done.length >= 2 ? done : undefined;
    }, 60_000);
    const seen = new Set<string>();
    for (const run of runs) {
      const tasks = (await api<Task[]>(`/tasks?pipeline=${encodeURIComponent(run.id)}&limit=10`)).body;
      expect(tasks).toHaveLength(2);
      const invoice = tasks.find((t) => t.name === 'Generate_Invoice')!;
      const email = tasks.find((t) => t.name === 'Send_Email_Invoice')!;
      expect(email.depends_on).toEqual([invoice.id]);
      // The email task began only once the invoice task had completed.
      const { timeline } = (await api<{ timeline: { status: string; at: string }[] }>(`/tasks/${encodeURIComponent(invoice.id)}`)).body;
      const invoiced = timeline.find((entry) => entry.status === 'completed')!;
      expect(Date.parse(email.started_at!)).toBeGreaterThanOrEqual(Date.parse(invoiced.at));
      for (const t of tasks) {
        expect(t).toMatchObject({ status: 'completed', origin: 'pipeline', group: 'billing', pipeline_id: run.id });
        seen.add(t.id);
      }
    }
    expect(seen.size).toBe(4);
  });
});

describe('a schedule made with the Temporal CLI', () => {
  it('appears in Taskdeck when its action is a Taskdeck task workflow', async () => {
    const id = uniqueTag('cli-schedule');
    made.add(id);
    execFileSync(inject('temporalCli'), [
      'schedule', 'create',
      '--address', inject('temporalAddress'),
      '--schedule-id', id,
      '--interval', '1h',
      '--workflow-id', id,
      '--task-queue', inject('taskQueue'),
      '--type', 'command',
      '--input', JSON.stringify({ input: { command: 'echo from a cli schedule' }, name: 'cli nightly', group: 'ops' }),
    ]);
    const listed = await waitFor('the CLI schedule to be listed', async () => (await api<ScheduleSummary[]>('/schedules?group=ops')).body.find((s) => s.id === id));
    expect(listed).toMatchObject({ name: 'cli nightly', group: 'ops', state: 'active', action: { kind: 'task', workflow_type: 'command' } });
    expect(listed.spec.interval_seconds).toBe(3600);
    await api(`/schedules/${id}/trigger`, { method: 'POST' });
    const run = await waitFor('its run', async () => (await runsOf(id)).find((r) => r.status === 'completed'));
    expect(run).toMatchObject({ origin: 'scheduled', group: 'ops', name: 'cli nightly' });
  });
});

describe('who may act on a schedule', () => {
  it('lets a user act on its own schedules only, and an operator on any', async () => {
    // Tokens of at least 16 characters: an API refuses shorter ones at start.
    const tokens = { ada: 'schedules-ada-0123', bob: 'schedules-bob-0123', olga: 'schedules-olga-012' };
    const extra = await startExtraApi({ TASKDECK_AUTH_TOKENS: Object.entries(tokens).map(([user, token]) => `${token}:${user}:${user === 'olga' ? 'operator' : 'user'}`).join(',') });
    try {
      const as = (user: keyof typeof tokens) => ({ base: extra.base, headers: { authorization: `Bearer ${tokens[user]}` } });
      const id = uniqueTag('ada');
      const schedule = await createSchedule({ id, spec: { cron: '0 4 * * *' }, paused: true, task: command('true') }, extra.base, as('ada').headers);
      expect(schedule.user).toBe('ada');
      const refused = await api<{ error: string }>(`/schedules/${id}/pause`, { method: 'POST', json: {}, ...as('bob') });
      expect(refused.status).toBe(403);
      expect(refused.body.error).toContain('bob');
      expect((await api(`/schedules/${id}`, { method: 'DELETE', ...as('bob') })).status).toBe(403);
      expect((await api(`/schedules/${id}/trigger`, { method: 'POST', ...as('bob') })).status).toBe(403);
      expect((await api<ScheduleDetail>(`/schedules/${id}/unpause`, { method: 'POST', json: { note: 'go' }, ...as('olga') })).body.state).toBe('active');
      const edited = await api<ScheduleDetail>(`/schedules/${id}`, { method: 'PUT', json: { spec: { cron: '30 4 * * *' }, paused: true, task: command('echo edited') }, ...as('ada') });
      expect(edited.status).toBe(200);
      expect(edited.body).toMatchObject({ state: 'paused', spec: { cron: ['30 4 * * *'] }, task: { type: 'command', input: { command: 'echo edited' } } });
      expect((await api(`/schedules/${id}`, { method: 'DELETE', ...as('ada') })).status).toBe(200);
      made.delete(id);
    } finally {
      await extra.stop();
    }
  }, 120_000);
});

describe('bad schedules', () => {
  it('answers an unknown schedule with 404 and a taken id with 409', async () => {
    expect((await api('/schedules/no-such-schedule')).status).toBe(404);
    const id = uniqueTag('twice');
    await createSchedule({ id, spec: { cron: '0 5 * * *' }, paused: true, task: command('true') });
    expect((await api('/schedules', { method: 'POST', json: { id, spec: { cron: '0 5 * * *' }, task: command('true') } })).status).toBe(409);
  });
});

describe('where a run came from', () => {
  it('says adhoc for what a person started, retry, batch or pipeline for the rest, and keeps the agent that ran it', async () => {
    const tag = uniqueTag('origin');
    const { startTask, waitForStatus } = await import('./helpers');
    const adhoc = await startTask({ tag, input: { command: 'exit 3' } });
    expect(adhoc.origin).toBe('adhoc');
    expect(adhoc.trigger_time).toBe(adhoc.created_at);
    const failed = await waitForStatus(adhoc.id, ['failed']);
    const row = await waitFor('the agent in the row', async () => {
      const r = (await api<Task[]>(`/tasks?tag=${tag}&origin=adhoc`)).body.find((t) => t.id === failed.id);
      return r?.agent ? r : undefined;
    });
    // The worker's identity, as Temporal knows it: pid@host.
    expect(row.agent).toMatch(/^\d+@.+/);
    const retry = (await api<Task>(`/tasks/${adhoc.id}/retry`, { method: 'POST' })).body;
    expect(retry.origin).toBe('retry');
    const batch = (await api<{ tasks: Task[] }>('/batches', { method: 'POST', json: { tasks: [{ type: 'command', tag, input: { command: 'true' } }] } })).body;
    expect(batch.tasks[0].origin).toBe('batch');
    await waitFor('the filters by origin', async () => {
      const byOrigin = async (origin: string) => (await api<Task[]>(`/tasks?tag=${tag}&origin=${origin}`)).body.map((t) => t.id);
      const [adhocs, retries, batches] = await Promise.all([byOrigin('adhoc'), byOrigin('retry'), byOrigin('batch')]);
      return adhocs.join() === adhoc.id && retries.join() === retry.id && batches.join() === batch.tasks[0].id;
    });
  });
});
