import type { ChildProcess } from 'node:child_process';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { NodeInfo } from '../../core/contract';
import { api, apiUrl, startExtraWorker, startTask, uniqueTag, waitFor, waitForStatus, type Task } from '../integration/helpers';
import { stopProcess } from '../support/stack';
import { openBrowser, type BrowserSession } from './browser';

/** A node of its own beside the stack's worker, declaring two GPUs (this machine has none). */
const NODE = 'e2e-gpu';
let worker: ChildProcess;
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  worker = startExtraWorker({ TASKDECK_NODE_NAME: NODE, TASKDECK_NODE_CORES: '2', TASKDECK_NODE_MEMORY_MB: '1024', TASKDECK_NODE_GPUS: '0,1' });
  session = await openBrowser(apiUrl());
  page = session.page;
  // A worker bundles the workflow code before it polls: a minute or more on a busy machine.
  await waitFor('the node to be up', async () => (await api<NodeInfo>(`/nodes/${NODE}`)).body.alive === true || undefined, 150_000);
}, 180_000);

afterEach(() => {
  expect(session.errors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await session?.close();
  await stopProcess(worker);
});

describe('nodes in the browser', () => {
  it("shows each node's health, load and the tasks it runs on the Nodes page", async () => {
    const task = await startTask({ type: 'command', target_node: NODE, cpu_cores: 1, gpu_ids: [1], memory: '256MB', input: { command: 'sleep 30' } });
    await waitForStatus(task.id, ['running']);

    await page.goto('/ui/');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Nodes' }).click();
    const row = page.locator(`tr[data-node="${NODE}"]`);
    await row.getByText('Up').waitFor();
    await expect.poll(() => row.getByRole('meter', { name: `${NODE} cores` }).getAttribute('aria-valuenow')).toBe('1');
    expect(await row.getByRole('meter', { name: `${NODE} memory` }).getAttribute('aria-valuenow')).toBe('256');
    expect(await row.getByText('1 / 2').count()).toBe(1);
    // GPU 1 is held, GPU 0 free.
    expect(await row.getByText('0○ 1●').count()).toBe(1);
    await row.getByRole('link', { name: task.id.slice(0, 8) }).waitFor();
    await session.screenshot('nodes-page');

    await row.getByRole('link', { name: task.id.slice(0, 8) }).click();
    await page.waitForURL(new RegExp(`/tasks/${task.id}$`));
    await page.getByTestId('constraints').getByText(`node ${NODE} · 1 core · 256 MB · GPU 1`).waitFor();
    await page.getByTestId('node').getByText(NODE).waitFor();
    await page.getByTestId('allocation').getByText('1 core · 256 MB · GPU 1').waitFor();
    await session.screenshot('task-placement');
    // Aborted while it runs there, it gives its core, memory and GPU back.
    expect((await api(`/tasks/${task.id}/abort`, { method: 'POST' })).status).toBe(202);
    await waitForStatus(task.id, ['aborted']);
    await expect.poll(async () => (await api<NodeInfo>(`/nodes/${NODE}`)).body.used, { timeout: 20_000 }).toEqual({ cores: 0, memory_mb: 0, gpus: [] });
  });

  it('starts a command on a chosen node with cores, memory and GPU IDs from the submit form', async () => {
    await page.goto('/ui/submit?type=command');
    await page.getByLabel('Command', { exact: true }).fill('echo "gpus=$CUDA_VISIBLE_DEVICES"; nproc');
    const target = page.getByLabel('Target node');
    await expect.poll(async () => (await target.locator('option').allTextContents()).join('|')).toContain(`${NODE} (`);
    await target.selectOption(NODE);
    await page.getByLabel('CPU cores').fill('1');
    await page.getByLabel('Memory', { exact: true }).fill('12XB');
    await page.getByLabel('GPU IDs').fill('0');
    await page.getByRole('button', { name: 'Start Command' }).click();
    // The API names the field; the form shows it under Memory.
    await page.locator('#field-memory-error').getByText(/memory must be a size like 512MB/).waitFor();
    expect(session.errors.splice(0)).toEqual([expect.stringContaining('status of 400')]);
    await session.screenshot('submit-placement-error');

    await page.getByLabel('Memory', { exact: true }).fill('64MB');
    const name = uniqueTag('placed');
    await page.getByLabel('Task name', { exact: true }).fill(name);
    await page.getByRole('button', { name: 'Start Command' }).click();
    await page.waitForURL(/\/tasks\/[0-9a-f-]{36}$/);
    await page.getByTestId('constraints').getByText(`node ${NODE} · 1 core · 64 MB · GPU 0`).waitFor();
    const id = page.url().split('/').at(-1)!;
    const done = await waitForStatus(id, ['completed', 'failed']);
    expect(done.status, done.error ?? '').toBe('completed');
    const { body } = await api<{ lines: string[] }>(`/tasks/${id}/logs?stream=stdout`);
    expect(body.lines).toEqual(['gpus=0', '1']);
    await page.getByTestId('node').getByText(NODE).waitFor();
  });

  it('shows Node, Resources and Exit code columns and filters the table by node', async () => {
    const tag = uniqueTag('node-filter');
    const placed = await startTask({ type: 'command', tag, target_node: NODE, cpu_cores: 2, input: { command: 'exit 3' } });
    const anywhere = await startTask({ type: 'command', tag, input: { command: 'true' } });
    await waitForStatus(placed.id, ['failed']);
    await waitForStatus(anywhere.id, ['completed']);

    await page.goto(`/ui/?tag=${tag}`);
    const rows = page.locator('tbody tr');
    await expect.poll(() => rows.count()).toBe(2);
    // The columns of the cluster's seed sit behind the column chooser.
    for (const column of ['Node', 'Resources', 'Exit code']) {
      await page.getByRole('button', { name: 'Columns' }).click();
      await page.getByRole('menuitemcheckbox', { name: column }).click();
      await page.keyboard.press('Escape');
    }
    const row = page.locator(`tr[data-task-id="${placed.id}"]`);
    expect(await row.locator('.col-node').textContent()).toBe(NODE);
    expect(await row.locator('.col-allocation').textContent()).toBe('2 cores');
    await expect.poll(() => row.locator('.col-exit_code').textContent()).toBe('3');

    await page.getByRole('search', { name: 'Filter tasks' }).getByLabel('Node').selectOption(NODE);
    await page.waitForURL((url) => url.searchParams.get('node') === NODE);
    await expect.poll(() => rows.count()).toBe(1);
    expect(await rows.first().getAttribute('data-task-id')).toBe(placed.id);
    await session.screenshot('table-node-filter');
    const listed = await api<Task[]>(`/tasks?tag=${tag}&node=${NODE}`);
    expect(listed.body.map((t) => t.id)).toEqual([placed.id]);
  });
});
