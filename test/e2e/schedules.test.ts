import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineDetail, ScheduleDetail } from '../../core/contract';
import { api, apiUrl, startTask, uniqueTag, waitFor, waitForStatus, type Task } from '../integration/helpers';
import { openBrowser, type BrowserSession } from './browser';

/** Schedules, run origins and the table's new columns, in a real Chromium against the real stack. */
let session: BrowserSession;
let page: Page;
const made = new Set<string>();

beforeAll(async () => {
  session = await openBrowser(apiUrl(), { width: 1440, height: 900 });
  page = session.page;
});

afterEach(() => {
  const errors = session.errors.splice(0);
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await Promise.all([...made].map((id) => api(`/schedules/${id}`, { method: 'DELETE' }).catch(() => undefined)));
  await session?.close();
});

const row = (name: string) => page.locator('tbody tr', { has: page.locator('.task-name', { hasText: new RegExp(`^${name}$`) }) });
const headers = async () => (await page.locator('table.tasks thead th').allTextContents()).map((h) => h.replace(/[↕▲▼]/g, ''));

describe('the Task Runs columns', () => {
  it('shows the ADHOC badge, the group, trigger time and agent of runs, and remembers the chosen columns across a reload', async () => {
    const adhocName = uniqueTag('by-hand');
    const adhoc = await startTask({ name: adhocName, input: { command: 'echo by hand' } });
    await waitForStatus(adhoc.id, ['completed']);
    const id = uniqueTag('invoice');
    const schedule = await api<ScheduleDetail>('/schedules', {
      method: 'POST',
      json: { id, name: `Generate_Invoice_${id.slice(-4)}`, group: 'billing', spec: { cron: '0 3 * * *' }, task: { type: 'command', input: { command: 'echo invoice' } } },
    });
    made.add(id);
    await api(`/schedules/${id}/trigger`, { method: 'POST' });
    const run = await waitFor('the scheduled run with its agent', async () => {
      const runs = (await api<Task[]>(`/tasks?schedule=${id}`)).body;
      return runs.find((r) => r.status === 'completed' && r.agent);
    }, 60_000);

    await page.goto('/ui/');
    await page.evaluate('localStorage.clear()');
    await page.reload();
    await row(adhocName).waitFor();
    // The violet ADHOC badge on what a person started; the scheduled run has none of it.
    const badge = row(adhocName).locator('.origin-badge');
    expect(await badge.textContent()).toBe('ADHOC');
    const colour = (el: unknown) => (globalThis as unknown as { getComputedStyle(e: unknown): { color: string } }).getComputedStyle(el).color;
    expect(await badge.evaluate(colour)).toBe('rgb(107, 63, 196)');
    expect(await row(schedule.body.name).locator('.origin-badge').textContent()).toBe('Scheduled');
    expect(await headers()).not.toContain('Agent');

    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('menuitem', { name: 'Task Runs' }).click();
    expect(await headers()).toEqual(['', 'Task', 'Group', 'Trigger Time', 'Lifecycle', 'Status', 'Agent', 'Started', 'Finished', 'Duration', 'Logs']);
    const scheduled = row(schedule.body.name);
    expect(await scheduled.locator('.col-group').textContent()).toBe('billing');
    expect(await scheduled.locator('.col-agent').textContent()).toBe(run.agent);
    expect(await scheduled.locator('.col-trigger_time time').getAttribute('datetime')).toBe(run.trigger_time);
    expect(await scheduled.locator('.col-finished time').getAttribute('datetime')).toBe(run.end_date);
    // A scheduled run's lifecycle begins at its trigger.
    expect(await scheduled.locator('.chain li').first().textContent()).toBe('Trigger');
    await session.screenshot('task-runs-columns');

    // One column off, then a reload: the choice is remembered.
    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Agent' }).click();
    await page.keyboard.press('Escape');
    expect(await headers()).not.toContain('Agent');
    await page.reload();
    await row(adhocName).waitFor();
    expect(await headers()).toEqual(['', 'Task', 'Group', 'Trigger Time', 'Lifecycle', 'Status', 'Started', 'Finished', 'Duration', 'Logs']);

    // The origin filter keeps what a person started.
    await page.getByLabel('Origin').selectOption('adhoc');
    await page.waitForURL(/origin=adhoc/);
    await expect.poll(async () => (await page.locator('tbody tr').count()) > 0 && (await row(schedule.body.name).count())).toBe(0);
    expect(await row(adhocName).count()).toBe(1);

    await page.getByRole('button', { name: 'Columns' }).click();
    await page.getByRole('menuitem', { name: 'Visual Layer' }).click();
    expect(await headers()).toContain('Dataset ID');
  });
});

describe('the schedules page', () => {
  it('creates a schedule, pauses it with a note, runs it now and deletes it', async () => {
    const name = uniqueTag('Send_Email_Invoice');
    await page.goto('/ui/schedules');
    await page.getByRole('button', { name: 'New schedule' }).click();
    const form = page.getByRole('form', { name: 'New schedule' });
    await form.getByLabel('Name').fill(name);
    await form.getByLabel('Group').fill('billing');
    // A malformed cron is refused, naming the field.
    await form.getByLabel('Cron').fill('0 25 * * *');
    await form.getByLabel('Input (JSON, as the task type takes it)').fill('{"command": "echo mail sent"}');
    await form.getByRole('button', { name: 'Create schedule' }).click();
    await page.getByRole('alert').filter({ hasText: 'spec.cron' }).waitFor();
    expect(await form.getByLabel('Cron').getAttribute('aria-invalid')).toBe('true');
    expect(session.errors.splice(0)).toEqual([expect.stringContaining('status of 400')]);
    await form.getByLabel('Cron').fill('30 6 * * 1-5');
    await form.getByLabel('Time zone').fill('Europe/Paris');
    await session.screenshot('schedule-form');
    await form.getByRole('button', { name: 'Create schedule' }).click();

    await page.waitForURL(/\/ui\/schedules\/[^/]+$/);
    const id = decodeURIComponent(new URL(page.url()).pathname.split('/').pop()!);
    made.add(id);
    await page.getByRole('heading', { name }).waitFor();
    expect(await page.locator('.title-block [data-state]').textContent()).toBe('Active');
    expect(await page.getByText('cron 30 6 * * 1-5 (Europe/Paris)').count()).toBe(1);
    expect(await page.locator('.next-runs li').count()).toBeGreaterThan(0);

    page.once('dialog', (dialog) => void dialog.accept('invoices frozen for the audit'));
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.locator('.title-block [data-state="paused"]').waitFor();
    await page.getByText('“invoices frozen for the audit”').waitFor();

    await page.getByRole('button', { name: 'Run now' }).click();
    const runRow = page.locator('[data-run-id]').first();
    await runRow.waitFor({ timeout: 30_000 });
    await runRow.locator('[data-status="completed"]').waitFor({ timeout: 60_000 });
    await session.screenshot('schedule-detail');

    await page.goto('/ui/schedules');
    const listed = page.locator(`tr[data-schedule-id="${id}"]`);
    await listed.waitFor();
    expect(await listed.locator('[data-state]').textContent()).toBe('Paused');
    expect(await listed.locator('[data-status]').textContent()).toBe('Completed');
    await session.screenshot('schedules-list');

    page.once('dialog', (dialog) => void dialog.accept());
    await listed.getByRole('button', { name: 'Delete' }).click();
    await listed.waitFor({ state: 'detached' });
    made.delete(id);
    // Its run stays in the table.
    expect((await api<Task[]>(`/tasks?schedule=${id}`)).body).toHaveLength(1);
  });
});

describe('the Tasks & Groups page', () => {
  it('lists definitions by group and draws their dependencies with the latest run\'s status on each', async () => {
    const id = uniqueTag('billing-pipeline');
    const created = await api<ScheduleDetail>('/schedules', {
      method: 'POST',
      json: {
        id,
        group: 'invoicing',
        spec: { cron: '0 1 * * *' },
        pipeline: {
          name: 'nightly invoices',
          tasks: [
            { key: 'Generate_Invoice', type: 'command', input: { command: 'echo no customer file >&2; exit 1' } },
            { key: 'Send_Email_Invoice', type: 'command', input: { command: 'echo sent' }, depends_on: ['Generate_Invoice'] },
          ],
        },
      },
    });
    expect(created.status).toBe(201);
    made.add(id);
    await api(`/schedules/${id}/trigger`, { method: 'POST' });
    await waitFor('the pipeline run to fail', async () => (await api<ScheduleDetail>(`/schedules/${id}`)).body.last_run?.status === 'failed', 60_000);

    await page.goto('/ui/tasks');
    const node = (key: string) => page.locator(`.react-flow__node[data-id="def:${id}/${key}"] .task-node`);
    await expect.poll(() => node('Generate_Invoice').getAttribute('data-status'), { timeout: 30_000 }).toBe('failed');
    expect(await node('Send_Email_Invoice').getAttribute('data-status')).toBe('upstream_failed');
    expect(await page.locator(`.react-flow__edge[data-id="def:${id}/Generate_Invoice>def:${id}/Send_Email_Invoice:depends_on"]`).count()).toBe(1);
    const group = page.getByRole('region', { name: 'Group invoicing' });
    const listed = group.locator(`tr[data-schedule-id="${id}"]`);
    expect(await listed.locator('[data-state]').textContent()).toBe('Active');
    expect(await listed.locator('[data-status]').textContent()).toBe('Failed');
    await session.screenshot('tasks-and-groups');

    // A click on a definition opens its latest run.
    const box = (await node('Generate_Invoice').boundingBox())!;
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await page.waitForURL(/\/ui\/tasks\/.+Generate_Invoice$/);
    await page.getByRole('heading', { name: 'Generate_Invoice' }).waitFor();
  });
});

describe('the timeline of a pipeline', () => {
  it('draws its tasks in dependency order, queue time apart from run time, the failure in red and the critical path marked', async () => {
    const id = uniqueTag('timeline');
    await api('/schedules', {
      method: 'POST',
      json: {
        id,
        spec: { cron: '0 4 * * *' },
        pipeline: {
          name: 'timeline invoices',
          tasks: [
            { key: 'Send_Email_Invoice', type: 'command', input: { command: 'echo sent' }, depends_on: ['Render_Invoice'] },
            { key: 'Render_Invoice', type: 'command', input: { command: 'sleep 1; exit 2' }, depends_on: ['Generate_Invoice'] },
            { key: 'Generate_Invoice', type: 'command', input: { command: 'sleep 2' } },
          ],
        },
      },
    });
    made.add(id);
    await api(`/schedules/${id}/trigger`, { method: 'POST' });
    await waitFor('the pipeline run to fail', async () => (await api<ScheduleDetail>(`/schedules/${id}`)).body.last_run?.status === 'failed', 60_000);

    await page.goto(`/ui/schedules/${id}`);
    await page.getByRole('link', { name: 'Timeline of the latest run' }).click();
    const rows = page.locator('[data-testid="run-timeline"] .run-row');
    await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(3);
    expect(await rows.locator('.run-label').allTextContents()).toEqual(['Generate_Invoice', 'Render_Invoice', 'Send_Email_Invoice']);
    expect(await rows.evaluateAll((els) => els.map((el) => (el as unknown as { dataset: { status: string } }).dataset.status))).toEqual(['completed', 'failed', 'upstream_failed']);
    // The email task never ran: only its queue time is drawn, up to when it ended.
    const email = rows.nth(2);
    expect(await email.getByTestId('bar').count()).toBe(0);
    expect((await email.getByTestId('queue').boundingBox())!.width).toBeGreaterThan(0);
    // The render task queued while the invoice was generated: its queue is drawn apart from its run, after it.
    const render = rows.nth(1);
    const queue = (await render.getByTestId('queue').boundingBox())!;
    const bar = (await render.getByTestId('bar').boundingBox())!;
    expect(queue.width).toBeGreaterThan(bar.width / 4);
    expect(bar.x).toBeGreaterThanOrEqual(queue.x + queue.width - 1);
    expect(await render.getByTestId('bar').evaluate((el) => (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(el).backgroundColor)).toBe('rgb(180, 35, 24)');
    // The critical path: the chain that took longest runs through the generate and the render task.
    expect(await page.locator('.run-row[data-critical]').locator('.run-label').allTextContents()).toEqual(expect.arrayContaining(['Generate_Invoice', 'Render_Invoice']));
    await page.getByRole('button', { name: '4×' }).click();
    await session.screenshot('pipeline-timeline');
    await rows.nth(1).click();
    await page.waitForURL(/Render_Invoice$/);
  });

  it("shows a running pipeline's expected end from its earlier run, and opens the table's filtered tasks as a timeline", async () => {
    const tag = uniqueTag('expected');
    const body = (command: string) => ({
      name: `expected ${tag}`,
      tag,
      tasks: [
        { key: 'fetch', type: 'command', input: { command: 'sleep 1' } },
        { key: 'load', type: 'command', input: { command }, depends_on: ['fetch'] },
      ],
    });
    const first = await api<PipelineDetail>('/pipelines', { method: 'POST', json: body('sleep 2') });
    await waitFor('the first run to complete', async () => (await api<PipelineDetail>(`/pipelines/${first.body.id}`)).body.status === 'completed', 60_000);
    const second = await api<PipelineDetail>('/pipelines', { method: 'POST', json: body('sleep 120') });
    try {
      await page.goto(`/ui/timeline?pipeline=${encodeURIComponent(second.body.id)}`);
      await expect.poll(() => page.getByTestId('expected-end').textContent(), { timeout: 30_000 }).toMatch(/^Expected to end at .+, from 1 earlier run$/);
      // One dashed mark per row, once the graph's two tasks are drawn.
      await expect.poll(() => page.locator('.run-expected').count(), { timeout: 30_000 }).toBe(2);
      await session.screenshot('pipeline-timeline-expected-end');

      // The table's filter, drawn: both runs' tasks, oldest first.
      await page.goto(`/ui/?tag=${encodeURIComponent(tag)}`);
      await page.getByRole('link', { name: 'Timeline', exact: true }).click();
      const rows = page.locator('[data-testid="run-timeline"] .run-row');
      await expect.poll(() => rows.count(), { timeout: 30_000 }).toBe(4);
      expect(await page.getByTestId('timeline-filters').textContent()).toBe(`4 runs: Tag: ${tag}`);
      expect((await rows.locator('.run-label').allTextContents()).sort()).toEqual(['fetch', 'fetch', 'load', 'load']);
      await session.screenshot('table-timeline');
    } finally {
      await api(`/pipelines/${second.body.id}/abort`, { method: 'POST' });
    }
  });
});
