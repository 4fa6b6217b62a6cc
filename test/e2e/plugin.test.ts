import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { api, apiUrl, uniqueTag, waitForStatus, type Task } from '../integration/helpers';
import { startPluginApp, type PluginApp } from '../support/pluginApp';
import { pythonEnv, startWorker as startPythonWorker, startWorkflows as startPythonWorkflows } from '../support/pythonApp';
import { stopProcess } from '../support/stack';
import { openBrowser, type BrowserSession } from './browser';

/**
 * A stranger's application with the packed plugin, seen in a real Chromium: its workflows in the
 * table with their progress, aborted and retried from the page, their children in the graph.
 */
let session: BrowserSession;
let page: Page;
let app: PluginApp;
let python: string;
let pythonWorker: ChildProcess;
const pythonQueue = uniqueTag('py-invoices');

beforeAll(async () => {
  app = await startPluginApp(inject('temporalAddress'), uniqueTag('invoices'));
  python = await pythonEnv();
  pythonWorker = await startPythonWorker(python, 'worker.py', inject('temporalAddress'), pythonQueue);
  session = await openBrowser(apiUrl(), { width: 1440, height: 900 });
  page = session.page;
}, 600_000);

afterEach(() => {
  expect(session.errors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await session?.close();
  await app?.stop();
  if (pythonWorker) await stopProcess(pythonWorker, 'SIGTERM');
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

  it('shows a task of the Python plugin as it shows one of the TypeScript plugin: the table, the task page, the graph', async () => {
    const customer = uniqueTag('Umbrella');
    const ts = app.startWorkflows(customer);
    const py = await startPythonWorkflows(python, inject('temporalAddress'), customer, pythonQueue, 4, 100);
    await Promise.all([waitForStatus(ts.invoices, ['completed'], 90_000), waitForStatus(py.invoices, ['completed'], 90_000)]);
    await Promise.all([waitForStatus(ts.ledger, ['failed']), waitForStatus(py.ledger, ['failed'])]);

    await page.goto(`/ui/?q=${customer}`);
    // The task's own API answer comes from Temporal first-hand; the table's rows from visibility,
    // which may still be a step behind: the comparison starts once the rows have ended too.
    for (const [id, status] of [[ts.invoices, 'completed'], [py.invoices, 'completed'], [ts.ledger, 'failed'], [py.ledger, 'failed']]) {
      await expect.poll(() => page.locator(`tbody tr[data-task-id="${id}"]`).getAttribute('data-status'), { timeout: 20_000 }).toBe(status);
    }
    // Each column but time and duration reads the same for the pair: type label, name, status, lifecycle.
    const cells = async (id: string) => {
      const row = page.locator(`tbody tr[data-task-id="${id}"]`);
      await row.waitFor();
      return (await row.locator('td').allTextContents()).filter((_, i) => i !== 1 && i !== 5);
    };
    expect(await cells(py.invoices)).toEqual(await cells(ts.invoices));
    expect(await cells(py.ledger)).toEqual(await cells(ts.ledger));
    await session.screenshot('plugin-python-and-typescript');

    const pageOf = async (id: string) => {
      await page.goto(`/ui/tasks/${id}`);
      await page.locator('.timeline-step').first().waitFor();
      return {
        timeline: await page.locator('.timeline-step .timeline-label').allTextContents(),
        states: await page.locator('.timeline-step').evaluateAll((steps) => steps.map((step) => step.getAttribute('data-state'))),
        facts: await page.locator('.facts dt').allTextContents(),
        error: await page.locator('.error-box').textContent().catch(() => null),
      };
    };
    expect(await pageOf(py.ledger)).toEqual(await pageOf(ts.ledger));

    for (const parent of [ts.invoices, py.invoices]) {
      await page.goto(`/ui/graph?task=${parent}`);
      await expect.poll(async () => page.locator('.react-flow__edge[data-id$=":child"]').count()).toBe(3);
      await page.locator(`.react-flow__node[data-id="${parent}"]`).getByText('Process Invoices').waitFor();
    }
  });
});
