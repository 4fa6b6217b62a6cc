import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { api, apiUrl, listed, startTask, uniqueTag, waitFor, waitForStatus, type Task } from '../integration/helpers';
import { folderWith, pngImage } from '../support/fixtures';
import { tempDir } from '../support/stack';
import { openBrowser, type BrowserSession } from './browser';

/**
 * The task manager in a real Chromium against the real stack. One file, run in order: the
 * first test sees the fresh stack's empty table.
 */
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  session = await openBrowser(apiUrl());
  page = session.page;
});

afterEach(() => {
  // Every page must run without console errors.
  const errors = session.errors.splice(0);
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await session?.close();
});

const row = (name: string) => page.locator('tbody tr', { has: page.locator('.task-name', { hasText: new RegExp(`^${name}$`) }) });
const rowNames = () => page.locator('tbody tr .task-name').allTextContents();
const badgeOf = (name: string) => row(name).locator('.badge');

async function finished(body: Parameters<typeof startTask>[0]): Promise<Task> {
  const task = await startTask(body);
  return waitForStatus(task.id, ['completed', 'failed']);
}

describe('task table', () => {
  it('says there were no operations in the past 14 days when the window is empty', async () => {
    await page.goto('/ui/');
    await page.getByText('No operations were performed in the past 14 days.').waitFor();
    await session.screenshot('table-empty');
  });

  it('starts a task from the form, then shows it appear and progress without a reload', async () => {
    await page.goto('/ui/');
    // Browser-side code as strings: the test files compile without the DOM library.
    await page.evaluate('window.loadedOnce = true');
    await page.getByRole('link', { name: 'Submit task' }).click();
    await page.getByLabel('Task type').selectOption('command');

    // Inline errors: one found in the browser, one named by the API.
    await page.getByRole('button', { name: 'Start Command' }).click();
    await page.getByText('Command is required').waitFor();
    await page.getByLabel('Command', { exact: true }).fill('for i in $(seq 1 12); do echo "PROGRESS $((i*8)) step $i"; sleep 1; done');
    await page.getByLabel('Timeout seconds').fill('-5');
    await page.getByRole('button', { name: 'Start Command' }).click();
    await page.locator('#field-input-timeout_seconds-error').waitFor();
    expect(await page.getByLabel('Timeout seconds').getAttribute('aria-invalid')).toBe('true');
    // Chromium logs every 4xx response; this one was the point of the step.
    expect(session.errors.splice(0)).toEqual([expect.stringContaining('status of 400')]);
    await session.screenshot('submit-form-errors');

    const name = uniqueTag('from-form');
    await page.getByLabel('Timeout seconds').fill('');
    await page.getByLabel('Task name', { exact: true }).fill(name);
    await page.getByLabel('Operated by').fill('e2e-user');
    await page.getByRole('button', { name: 'Start Command' }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    await page.getByRole('heading', { name }).waitFor();

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Tasks', exact: true }).click();
    await row(name).waitFor();
    const seen = new Set<string>();
    await expect
      .poll(
        async () => {
          const text = (await badgeOf(name).textContent()) ?? '';
          seen.add(text);
          return text;
        },
        { timeout: 60_000, interval: 200 },
      )
      .toBe('Completed100%');
    const running = [...seen].filter((t) => t.startsWith('Running') && t !== 'Running0%');
    expect(running.length).toBeGreaterThanOrEqual(2);
    expect(await row(name).locator('.col-user').textContent()).toBe('e2e-user');

    // A task started elsewhere shows up in the open table too.
    const other = uniqueTag('from-api');
    await startTask({ name: other, input: { command: 'true' } });
    await row(other).waitFor({ timeout: 20_000 });
    expect(await page.evaluate('window.loadedOnce')).toBe(true);
  });

  it('generates the form of a dataset task type, asks for its dataset ID, and runs it', async () => {
    const folder = folderWith(join(tempDir('e2e-media'), 'media'), { 'a.png': pngImage([200, 30, 30]), 'b.png': pngImage([30, 200, 30]) });
    await page.goto('/ui/submit?type=dataset_creation');
    await page.getByLabel('Folder').fill(folder);
    await page.getByRole('button', { name: 'Start Dataset creation' }).click();
    await page.getByText('Dataset creation needs a dataset ID').waitFor();
    const datasetId = uniqueTag('ds');
    await page.getByLabel('Dataset ID').fill(datasetId);
    await page.getByLabel('Dataset name', { exact: true }).fill('e2e photos');
    await page.getByRole('button', { name: 'Start Dataset creation' }).click();
    await page.waitForURL(/\/tasks\/[^/]+$/);
    await page.locator('.page-header .badge[data-status="completed"]').waitFor({ timeout: 60_000 });
    expect(await page.locator('.facts').textContent()).toContain(datasetId);
  });

  it('filters by tag, status and name, keeps the filters in the URL, and sorts by duration', async () => {
    const tag = uniqueTag('filters');
    await Promise.all([
      finished({ tag, name: 'sort-a', dataset: 'alpha', input: { command: 'sleep 0.2' } }),
      finished({ tag, name: 'sort-b', dataset: 'beta', input: { command: 'sleep 2.5' } }),
      finished({ tag, name: 'sort-c', dataset: 'gamma', input: { command: 'sleep 1.3' } }),
      finished({ tag, name: 'sort-f', dataset: 'delta', input: { command: 'exit 1' } }),
    ]);
    await page.goto('/ui/');
    await page.getByLabel('Tag', { exact: true }).fill(tag);
    await page.waitForURL((url) => url.searchParams.get('tag') === tag);
    await expect.poll(() => rowNames()).toHaveLength(4);

    await page.getByRole('button', { name: /^Status \w/ }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Failed', exact: true }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => rowNames()).toEqual(['sort-f']);
    expect(new URL(page.url()).searchParams.getAll('status')).toEqual(['failed']);

    // A shared or reloaded link shows the same view.
    await page.reload();
    await expect.poll(() => rowNames()).toEqual(['sort-f']);
    expect(await page.getByLabel('Tag', { exact: true }).inputValue()).toBe(tag);

    await page.getByRole('button', { name: /^Status \w/ }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Failed', exact: true }).click();
    await page.getByRole('menuitemcheckbox', { name: 'Completed', exact: true }).click();
    await page.keyboard.press('Escape');
    await expect.poll(() => rowNames()).toHaveLength(3);

    await page.getByRole('button', { name: /^Duration/ }).click();
    await expect.poll(() => rowNames()).toEqual(['sort-b', 'sort-c', 'sort-a']);
    expect(await page.locator('th.col-duration').getAttribute('aria-sort')).toBe('descending');
    await page.getByRole('button', { name: /^Duration/ }).click();
    await expect.poll(() => rowNames()).toEqual(['sort-a', 'sort-c', 'sort-b']);
    expect(await page.locator('th.col-duration').getAttribute('aria-sort')).toBe('ascending');
    await page.getByRole('button', { name: /^Dataset/ }).click();
    await expect.poll(() => rowNames()).toEqual(['sort-a', 'sort-b', 'sort-c']);

    await page.getByLabel('Name', { exact: true }).fill('sort-c');
    await expect.poll(() => rowNames()).toEqual(['sort-c']);
    await session.screenshot('table-filtered');

    await page.getByRole('button', { name: 'Reset' }).click();
    await page.waitForURL((url) => url.search === '');
    expect(await page.getByLabel('Tag', { exact: true }).inputValue()).toBe('');
    await expect.poll(async () => (await rowNames()).length).toBeGreaterThan(4);
  });

  it('catches up on a change made while its live stream was still connecting', async () => {
    const name = uniqueTag('early');
    const task = await startTask({ name, tag: name, input: { command: 'sleep 3' } });
    await waitFor('the table to list the task running', async () => (await listed(task.id, name))?.status === 'running');
    // The page's first list says running; its stream opens only once the API's table says
    // completed, so the change happened before the stream could carry it.
    const isStream = (url: URL) => url.pathname === '/events';
    await page.route(isStream, async (route) => {
      await waitFor('the table to list the task completed', async () => (await listed(task.id, name))?.status === 'completed');
      await route.continue();
    });
    try {
      await page.goto(`/ui/?tag=${name}`);
      await expect.poll(() => badgeOf(name).getAttribute('data-status')).toBe('running');
      await expect.poll(() => badgeOf(name).getAttribute('data-status')).toBe('completed');
    } finally {
      await page.unroute(isStream);
    }
  });

  it('shows a failed task’s error when its status is hovered', async () => {
    const name = uniqueTag('fails');
    await finished({ name, input: { command: 'echo "disk quota exceeded on /data" >&2; exit 4' } });
    await page.goto(`/ui/?q=${name}`);
    await expect.poll(() => badgeOf(name).getAttribute('data-status')).toBe('failed');
    await badgeOf(name).hover();
    await page.locator('.tooltip').filter({ hasText: 'disk quota exceeded on /data' }).waitFor();
    await session.screenshot('table-failed-hover');
  });

  it('aborts a running task from its Actions menu, opened with the keyboard', async () => {
    const name = uniqueTag('long');
    const task = await startTask({ name, input: { command: 'sleep 300' } });
    await waitForStatus(task.id, ['running']);
    await page.goto(`/ui/?q=${name}`);
    await expect.poll(() => badgeOf(name).getAttribute('data-status')).toBe('running');

    await row(name).getByRole('button', { name: `Actions for ${name}` }).focus();
    await page.keyboard.press('Enter');
    const items = page.getByRole('menuitem');
    await items.first().waitFor();
    expect(await items.allTextContents()).toEqual(['Copy Task ID', 'Details / Logs', 'Pause', 'Abort', 'Open in Temporal UI ↗']);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('menuitem', { name: 'Abort' }).click();

    await expect.poll(() => badgeOf(name).getAttribute('data-status'), { timeout: 30_000 }).toBe('aborted');
    expect((await api<Task>(`/tasks/${task.id}`)).body.status).toBe('aborted');

    await row(name).getByRole('button', { name: `Actions for ${name}` }).click();
    expect(await page.getByRole('menuitem').allTextContents()).toEqual(['Copy Task ID', 'Details / Logs', 'Retry', 'Open in Temporal UI ↗']);
    await page.getByRole('menuitem', { name: 'Copy Task ID' }).click();
    await page.getByText(`Copied task ID ${task.id}`).waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(task.id);
  });

  it('stays readable in a narrow window: only the table scrolls sideways', async () => {
    await page.setViewportSize({ width: 420, height: 800 });
    try {
      await page.goto('/ui/');
      await page.locator('tbody tr').first().waitFor();
      expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(420);
      await session.screenshot('table-narrow');
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });
});

describe('task detail page', () => {
  it('opens from the table with details, a green timeline and the result', async () => {
    const name = uniqueTag('detail');
    const task = await finished({ name, dataset: 'faces', dataset_id: 'ds-42', user: 'dana', input: { command: 'echo hello' } });
    await page.goto(`/ui/?q=${name}`);
    await row(name).getByRole('link').first().click();
    await page.waitForURL(`**/tasks/${task.id}`);
    const facts = page.locator('.facts');
    await facts.getByText('dana').waitFor();
    expect(await facts.textContent()).toContain('ds-42');
    const labels = await page.locator('.timeline-step .timeline-label').allTextContents();
    const states = await page.locator('.timeline-step').evaluateAll((steps) => steps.map((s) => s.getAttribute('data-state')));
    expect(labels).toEqual(['Pending', 'Initializing', 'Running', 'Completed']);
    expect(states).toEqual(['done', 'done', 'done', 'done']);
    await session.screenshot('detail-completed');
  });

  it('opens from a link of the time before the pages moved under /ui', async () => {
    const task = await finished({ name: uniqueTag('old-link'), input: { command: 'true' } });
    await page.goto(`/tasks/${task.id}`);
    await page.waitForURL((url) => url.pathname === `/ui/tasks/${task.id}`);
    await page.locator('.timeline-step').first().waitFor();
    // The same address still answers a script with the task itself.
    const res = await fetch(`${page.url().replace(`/ui/tasks/`, '/tasks/')}`);
    expect(((await res.json()) as { id: string }).id).toBe(task.id);
  });

  it('marks the step a task failed in red', async () => {
    const task = await finished({ input: { command: 'echo broken >&2; exit 2' } });
    await page.goto(`/ui/tasks/${task.id}`);
    await page.locator('.error-box').getByText('broken').waitFor();
    const states = await page.locator('.timeline-step').evaluateAll((steps) => steps.map((s) => s.getAttribute('data-state')));
    expect(states).toEqual(['done', 'done', 'failed', 'failed']);
  });

  it('pages a finished log, searches every page, and downloads it', async () => {
    const task = await finished({ input: { command: 'seq 1 1234; echo "ERROR: boom" >&2' } });
    await page.goto(`/ui/tasks/${task.id}`);
    await page.getByTestId('count-stdout').filter({ hasText: '1,234' }).waitFor();
    expect(await page.getByTestId('count-stderr').textContent()).toBe('1');
    await page.locator('[data-line="1"]').waitFor();
    expect(await page.getByRole('navigation', { name: 'Log pages' }).textContent()).toContain('Page 1 of 3');

    const search = page.getByLabel('Search the log');
    await search.fill('123');
    // The first match is the current one as soon as the search finds it, and the counter says so.
    await expect.poll(() => page.getByTestId('match-count').textContent()).toBe('1 / 7');
    await page.locator('.log-line-current[data-line="123"] mark').waitFor();
    // The next match is on page 3, which the viewer has not loaded yet.
    await search.press('Enter');
    await page.locator('.log-line-current[data-line="1123"] mark', { hasText: '123' }).waitFor();
    await expect.poll(() => page.getByTestId('match-count').textContent()).toBe('2 / 7');
    expect(await page.getByRole('navigation', { name: 'Log pages' }).textContent()).toContain('Page 3 of 3');
    await page.getByRole('button', { name: 'Previous match' }).click();
    await expect.poll(() => page.getByTestId('match-count').textContent()).toBe('1 / 7');
    await session.screenshot('detail-log-search');

    await page.getByRole('tab', { name: /stderr/ }).click();
    await page.locator('[data-line="1"]', { hasText: 'ERROR: boom' }).waitFor();

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toBe(`${task.id}-stderr.log`);
    expect(await readFile((await download.path())!, 'utf8')).toBe('ERROR: boom\n');
    await page.getByRole('tab', { name: /stdout/ }).click();
    const [whole] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Download' }).click()]);
    expect((await readFile((await whole.path())!, 'utf8')).trim().split('\n')).toHaveLength(1234);
  });

  it('streams a running task’s 100,000 lines live, virtualized, and finds lines off screen', async () => {
    const task = await startTask({ input: { command: 'seq 1 100000; for i in 1 2 3; do sleep 1; echo tick-$i; done; sleep 300' } });
    await page.goto(`/ui/tasks/${task.id}`);
    await page.getByRole('checkbox', { name: 'Follow' }).waitFor();
    // Follow mode keeps the newest line in view as it arrives.
    await page.locator('.log-line', { hasText: 'tick-3' }).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('count-stdout').textContent()).toBe('100,003');
    expect(await page.locator('.log-line').count()).toBeLessThan(200);

    const search = page.getByLabel('Search the log');
    await search.fill('99999');
    await expect.poll(() => page.getByTestId('match-count').textContent()).toBe('1 / 1');
    await page.locator('.log-line-current[data-line="99999"]').waitFor();
    expect(await page.getByRole('checkbox', { name: 'Follow' }).isChecked()).toBe(false);
    await session.screenshot('detail-live-log');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Abort' }).click();
    await page.locator('.page-header .badge[data-status="aborted"]').waitFor({ timeout: 30_000 });
  });
});
