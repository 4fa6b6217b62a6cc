import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { api, apiUrl, uniqueTag, waitForStatus, type Task } from '../integration/helpers';
import { startPluginApp, type PluginApp } from '../support/pluginApp';
import { openBrowser, type BrowserSession } from './browser';

/**
 * A stranger's application with the packed plugin, seen in a real Chromium: its workflows in the
 * table with their progress, aborted and retried from the page, their children in the graph.
 */
let session: BrowserSession;
let page: Page;
let app: PluginApp;

beforeAll(async () => {
  app = await startPluginApp(inject('temporalAddress'), uniqueTag('invoices'));
  session = await openBrowser(apiUrl(), { width: 1440, height: 900 });
  page = session.page;
}, 240_000);

afterEach(() => {
  expect(session.errors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await session?.close();
  await app?.stop();
});

const row = (id: string) => page.locator(`tbody tr[data-task-id="${id}"]`);

describe('a plugin’s workflows in the web app', () => {
  it('lists them with their type, name and live progress; aborts one from its menu and retries another from its page', async () => {
    const customer = uniqueTag('Globex');
    // Pages of 1.5 s: the export runs a minute, long enough to be seen running and aborted.
    const started = app.startWorkflows(customer, 1500);
    await page.goto(`/ui/?q=${customer}`);
    await row(started.archive).locator('.task-type', { hasText: 'Export Archive' }).waitFor();
    await expect.poll(async () => row(started.archive).locator('.badge').textContent(), { timeout: 30_000 }).toMatch(/Running\s*[1-9]\d?%/);
    await row(started.archive).getByText(/^page \d+ of 40$/).waitFor();
    await session.screenshot('plugin-table');

    await row(started.archive).getByRole('button', { name: /^Actions for/ }).click();
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('menuitem', { name: 'Abort' }).click();
    await expect.poll(async () => row(started.archive).getAttribute('data-status')).toBe('aborted');

    await waitForStatus(started.ledger, ['failed']);
    await page.goto(`/ui/tasks/${started.ledger}`);
    await page.locator('.error-box').getByText('The ledger refused the batch').waitFor();
    await page.getByRole('button', { name: 'Retry' }).click();
    await page.waitForURL((url) => url.pathname.startsWith(`/ui/tasks/${started.ledger}-retry-`));
    await page.getByText(`Retry of ${started.ledger}`).waitFor();
  });

  it('draws a workflow with its child workflows in the graph', async () => {
    const customer = uniqueTag('Initech');
    const started = app.startWorkflows(customer);
    await waitForStatus(started.invoices, ['completed'], 90_000);
    const children = (await api<Task[]>(`/tasks?task_type=renderInvoice&q=${customer}&limit=100`)).body.filter((t) => t.parent_id === started.invoices);
    expect(children).toHaveLength(3);
    await page.goto(`/ui/graph?task=${started.invoices}`);
    for (const child of children) {
      await page.locator(`.react-flow__node[data-id="${child.id}"]`).waitFor();
      await page.locator(`.react-flow__edge[data-id="${started.invoices}>${child.id}:child"]`).waitFor({ state: 'attached' });
    }
    await page.locator(`.react-flow__node[data-id="${started.invoices}"]`).getByText('Process Invoices').waitFor();
    await session.screenshot('plugin-graph');
  });
});
