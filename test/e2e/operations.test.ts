import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, startExtraApi, uniqueTag, waitFor, type Task } from '../integration/helpers';
import { openBrowser, type BrowserSession } from './browser';

/**
 * Operating tasks in the browser, against a second API with authentication and approval on
 * (the suite's own API stays without, for the other browser tests).
 */
const TOKENS = { ada: 'e2e-ada-0123456789', olga: 'e2e-olga-0123456789' } as const;
let base: string;
let stopApi: () => Promise<unknown>;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  ({ base, stop: stopApi } = await startExtraApi({
    TASKDECK_AUTH_TOKENS: `${TOKENS.ada}:ada:user,${TOKENS.olga}:olga:operator`,
    TASKDECK_APPROVAL_TYPES: 'command',
  }));
  session = await openBrowser(base);
  page = session.page;
}, 120_000);

afterEach(() => {
  // A page without a token meets 401s by design; nothing else may go wrong.
  const errors = session.errors.splice(0).filter((e) => !/status of 401/.test(e));
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await session?.close();
  await stopApi();
});

const as = (who: keyof typeof TOKENS) => ({ base, headers: { authorization: `Bearer ${TOKENS[who]}` } });
const post = <T>(who: keyof typeof TOKENS, path: string, json: unknown = {}) => api<T>(path, { method: 'POST', json, ...as(who) });
const statusOf = async (id: string) => (await api<Task>(`/tasks/${id}`, as('olga'))).body.status;

async function signInAs(who: keyof typeof TOKENS): Promise<void> {
  await page.goto('/ui/');
  await page.waitForURL(/\/sign-in/);
  await page.getByLabel('API token').fill(TOKENS[who]);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL((url) => /^\/ui\/?$/.test(url.pathname));
  await page.getByText(`${who} (`).waitFor();
}

describe('with authentication on', () => {
  it('asks for a token, says when it is wrong, and shows who is signed in', async () => {
    await page.goto('/ui/');
    await page.waitForURL(/\/sign-in/);
    await page.getByLabel('API token').fill('wrong');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'invalid token' }).waitFor();
    await session.screenshot('sign-in');
    await page.getByLabel('API token').fill(TOKENS.ada);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('ada (user)').waitFor();
    // A user does not review approvals.
    expect(await page.getByRole('link', { name: /^Approvals/ }).count()).toBe(0);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/sign-in/);
  });

  it("shows operators the approval queue with a badge, and runs a user's task once approved in the queue", async () => {
    const name = uniqueTag('review');
    const task = (await post<Task>('ada', '/tasks', { type: 'command', name, input: { command: 'echo checked' } })).body;
    expect(task.status).toBe('pending_approval');

    await signInAs('olga');
    const badge = page.getByTestId('approval-count');
    await expect.poll(async () => Number(await badge.textContent())).toBeGreaterThanOrEqual(1);
    await page.getByRole('link', { name: /^Approvals/ }).click();
    const card = page.getByRole('listitem', { name: `Approval of ${name}` });
    await card.getByText('"command": "echo checked"').waitFor();
    await card.getByText('by ada').waitFor();
    await session.screenshot('approval-queue');
    await card.getByRole('button', { name: 'Approve' }).click();
    await card.waitFor({ state: 'detached' });
    await waitFor('the approved task to complete', async () => (await statusOf(task.id)) === 'completed');

    const other = (await post<Task>('ada', '/tasks', { type: 'command', name: `${name}-no`, input: { command: 'echo no' } })).body;
    await page.getByRole('listitem', { name: `Approval of ${name}-no` }).waitFor();
    page.once('dialog', (dialog) => void dialog.accept('not today'));
    await page.getByRole('listitem', { name: `Approval of ${name}-no` }).getByRole('button', { name: 'Reject' }).click();
    await waitFor('the rejection', async () => (await statusOf(other.id)) === 'rejected');
    expect((await api<Task>(`/tasks/${other.id}`, as('olga'))).body.error).toBe('Rejected by olga: not today');
  });

  it('pauses and resumes a running task from its detail page', async () => {
    const task = (await post<Task>('olga', '/tasks', { type: 'command', name: uniqueTag('pausable'), input: { command: 'for i in $(seq 1 100); do echo PROGRESS $i; sleep 0.3; done' } })).body;
    await waitFor('running', async () => (await statusOf(task.id)) === 'running');
    await page.goto(`/ui/tasks/${task.id}`);
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.getByRole('button', { name: 'Resume' }).waitFor();
    expect(await statusOf(task.id)).toBe('paused');
    await session.screenshot('detail-paused');
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.getByRole('button', { name: 'Pause' }).waitFor();
    expect(await statusOf(task.id)).toBe('running');
    await post('olga', `/tasks/${task.id}/abort`);
  });

  it('shows a batch with its counts and aborts it with one button', async () => {
    const batch = (
      await post<{ id: string }>('olga', '/batches', { name: 'e2e hosts', tasks: ['a', 'b'].map((h) => ({ type: 'command', name: `host ${h}`, input: { command: 'sleep 120' } })) })
    ).body;
    await page.goto(`/ui/batches/${batch.id}`);
    await page.getByRole('heading', { name: `Batch ${batch.id}` }).waitFor();
    const counts = page.getByRole('definition');
    await expect.poll(async () => (await counts.allTextContents())[0]).toBe('2');
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Abort batch' }).click();
    await page.locator('.batch-counts [data-status="aborted"] dd').filter({ hasText: '2' }).waitFor({ timeout: 30_000 });
    await session.screenshot('batch-aborted');
  });

  it('aborts the rows selected in the table, then retries every task matching the filter', async () => {
    const tag = uniqueTag('bulk');
    const tasks = await Promise.all(['one', 'two'].map(async (n) => (await post<Task>('olga', '/tasks', { type: 'command', name: `${tag}-${n}`, tag, input: { command: 'sleep 120' } })).body));
    await waitFor('both running', async () => (await Promise.all(tasks.map((t) => statusOf(t.id)))).every((s) => s === 'running'));
    await page.goto(`/ui/?tag=${tag}`);
    for (const t of tasks) await page.getByRole('checkbox', { name: `Select ${t.name}` }).check();
    await page.getByText('2 selected').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Abort selected' }).click();
    await waitFor('both aborted', async () => (await Promise.all(tasks.map((t) => statusOf(t.id)))).every((s) => s === 'aborted'), 30_000);

    await page.goto(`/ui/?tag=${tag}&status=aborted`);
    await page.getByText('All 2 matching:').waitFor();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Retry all' }).click();
    const retries = await waitFor('the retries', async () => {
      const { body } = await api<Task[]>(`/tasks?tag=${tag}&status=R&status=Q`, as('olga'));
      return body.length === 2 ? body : undefined;
    });
    expect(retries.map((t) => t.retry_of).sort()).toEqual(tasks.map((t) => t.id).sort());
    await post('olga', '/tasks/bulk/abort', { ids: retries.map((t) => t.id) });
  });
});
