import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineDetail } from '../../core/contract';
import { MAX_GRAPH_DEPTH } from '../../core/graph';
import { api, apiUrl, startTask, uniqueTag, waitFor, waitForStatus, type Task } from '../integration/helpers';
import { fixtureServer, folderWith, pngImage, type FixtureServer } from '../support/fixtures';
import { removeDir, tempDir } from '../support/stack';
import { openBrowser, type BrowserSession } from './browser';

/**
 * What a new user met on every page, in a real Chromium at 1440×900: a dataset's name and page,
 * progress that said finished, filters that could not be seen, the graph below the fold, the
 * submit form's errors, the log search counter and the worker of a finished task.
 */
let session: BrowserSession;
let page: Page;
let server: FixtureServer;
let work: string;

const RED: [number, number, number] = [250, 20, 20];

beforeAll(async () => {
  session = await openBrowser(apiUrl(), { width: 1440, height: 900 });
  page = session.page;
  work = tempDir('e2e-new-user');
  // A download that takes a minute: a media addition holds its dataset (Read Only) meanwhile.
  server = await fixtureServer({ 'owl.png': pngImage(RED, 9) }, 60_000);
});

afterEach(() => {
  // Chromium logs every 4xx answer; a test that provokes them says so and clears them.
  expect(session.errors.splice(0)).toEqual([]);
});

afterAll(async () => {
  await session?.close();
  await server?.close();
  removeDir(work);
});

const row = (id: string) => page.locator(`tbody tr[data-task-id="${id}"]`);
const text = async (selector: string) => ((await page.locator(selector).first().textContent()) ?? '').trim();

async function dataset(name: string): Promise<{ id: string; creation: Task }> {
  const id = uniqueTag('birds');
  const folder = folderWith(join(work, id), { 'red-1.png': pngImage(RED, 1), 'red-2.png': pngImage(RED, 2) });
  const started = await startTask({ type: 'dataset_creation', dataset: name, dataset_id: id, input: { folder } });
  const creation = await waitForStatus(started.id, ['completed', 'failed'], 90_000);
  expect(creation.status).toBe('completed');
  return { id, creation };
}

describe('datasets', () => {
  it("keep their name in the table, are found by name or id whatever the case, and have a page with their status, holder, snapshots and tasks", async () => {
    const name = `Birds ${uniqueTag('n')}`;
    const { id, creation } = await dataset(name);
    // The docs' example: only dataset_id. Its download takes a minute: the dataset is Read Only meanwhile.
    const addition = await startTask({ type: 'media_addition', dataset_id: id, input: { urls: [`${server.url}/slow/owl.png`] } });
    await waitForStatus(addition.id, ['initializing']);

    await page.goto(`/ui/?dataset=${encodeURIComponent(name.toLowerCase())}`);
    await row(addition.id).waitFor();
    await row(creation.id).waitFor();
    expect(await row(addition.id).locator('.col-dataset').textContent()).toBe(name);
    await page.getByRole('listitem').filter({ hasText: `Dataset: ${name.toLowerCase()}` }).waitFor();
    await session.screenshot('new-user-table-dataset-filter');

    // The Dataset column leads to the dataset's page.
    await row(addition.id).locator('.col-dataset a').click();
    await page.waitForURL(`**/ui/datasets/${id}`);
    await page.getByRole('heading', { name, level: 1 }).waitFor();
    const status = page.locator('.page-header [data-dataset-status]');
    expect(await status.textContent()).toBe('Read Only');
    await page.getByRole('list', { name: 'Tasks holding the dataset' }).getByRole('link', { name: new RegExp(`Media Addition ${addition.id}`) }).waitFor();
    await page.getByText('No snapshot yet').waitFor();
    await row(creation.id).waitFor();
    await row(addition.id).waitFor();
    await session.screenshot('new-user-dataset-read-only');

    // The list of datasets says the same, and follows the end of the holder live.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click();
    const listed = page.locator(`tr[data-dataset-id="${id}"]`);
    expect(await listed.locator('[data-dataset-status]').textContent()).toBe('Read Only');
    expect(await listed.textContent()).toContain('Media Addition');
    await api(`/tasks/${addition.id}/abort`, { method: 'POST' });
    await expect.poll(() => listed.locator('[data-dataset-status]').textContent(), { timeout: 30_000 }).toBe('Ready');
    await session.screenshot('new-user-datasets');
  });

  it('log what their tasks did, in the log viewer', async () => {
    const { creation } = await dataset(`Logged ${uniqueTag('n')}`);
    await page.goto(`/ui/tasks/${creation.id}`);
    await page.locator('.log-line', { hasText: 'Checked red-1.png: image/png' }).waitFor();
    await page.locator('.log-line', { hasText: /Stored 2 new items/ }).waitFor();
    expect(await page.getByText('No stdout output').count()).toBe(0);
    await session.screenshot('new-user-dataset-log');
  });
});

describe('batches and pipelines', () => {
  it('a batch aborted early is not at 100%, says how its tasks ended, and is listed with the others', async () => {
    const created = await api<{ id: string; tasks: Task[] }>('/batches', {
      method: 'POST',
      json: {
        name: 'hosts',
        tasks: [
          { type: 'command', name: 'quick', input: { command: 'true' } },
          ...[1, 2, 3, 4].map((i) => ({ type: 'command', name: `slow ${i}`, input: { command: 'echo PROGRESS 20 syncing; sleep 300' } })),
        ],
      },
    });
    const batch = created.body.id;
    await waitFor('four tasks at 20%, one completed', async () => {
      const { body } = await api<{ tasks: Task[] }>(`/batches/${batch}`);
      return body.tasks.filter((t) => t.status === 'running' && t.progress === 20).length === 4 && body.tasks.some((t) => t.status === 'completed');
    }, 60_000);
    await api(`/batches/${batch}/abort`, { method: 'POST' });
    // The abort is a Temporal batch operation, and each task stops at its next heartbeat: slower on a busy machine.
    await waitFor('the batch to end', async () => (await api<{ finished: number }>(`/batches/${batch}`)).body.finished === 5, 90_000);

    await page.goto(`/ui/batches/${batch}`);
    await expect.poll(() => text('[data-testid="batch-outcome"]')).toBe('1 completed, 4 aborted of 5');
    expect(await text('[data-testid="batch-progress"]')).toBe(`${Math.floor((100 + 4 * 20) / 5)}% done`);
    await session.screenshot('new-user-batch-aborted');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Batches' }).click();
    const listed = page.locator(`tr[data-batch-id="${batch}"]`);
    expect(await listed.getByTestId('batch-outcome').textContent()).toBe('1 completed, 4 aborted of 5');
    expect(await listed.locator('.badge').textContent()).toBe('Aborted36%');
    await session.screenshot('new-user-batches');

    // Its tasks in the table, with the filter shown as a chip that takes it away.
    const lists: URL[] = [];
    const onRequest = (request: { url: () => string }) => {
      const url = new URL(request.url());
      if (url.pathname === '/tasks') lists.push(url);
    };
    page.on('request', onRequest);
    await listed.getByRole('link', { name: 'In the table' }).click();
    const chip = page.getByRole('list', { name: 'Active filters' }).getByRole('listitem').filter({ hasText: `Batch: ${batch}` });
    await chip.waitFor();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(5);
    page.off('request', onRequest);
    // GET /tasks lists the last hour by default (the Vectorize contract): the table asks for its 14 days.
    expect(lists.length).toBeGreaterThan(0);
    expect(lists.map((url) => [url.searchParams.get('batch'), url.searchParams.get('within_hours')])).toEqual(lists.map(() => [batch, '336']));
    expect(await page.locator('tbody tr .badge', { hasText: 'Aborted' }).first().textContent()).toBe('Aborted20%');
    await session.screenshot('new-user-table-batch-chip');
    await chip.getByRole('button', { name: `Remove filter Batch: ${batch}` }).click();
    await page.waitForURL((url) => !url.search.includes('batch='));
    await expect.poll(() => page.locator('tbody tr').count()).toBeGreaterThan(5);
  });

  it('a failed pipeline is not at 100%, is listed with the others, and its failed task no longer says it waits', async () => {
    const name = uniqueTag('etl');
    const res = await api<PipelineDetail>('/pipelines', {
      method: 'POST',
      json: {
        name,
        tasks: [
          { key: 'extract', type: 'command', input: { command: 'sleep 1' } },
          { key: 'load', type: 'command', input: { command: 'echo loading; exit 2' }, depends_on: ['extract'] },
          { key: 'report', type: 'command', input: { command: 'true' }, depends_on: ['load'] },
        ],
      },
    });
    const pipeline = res.body.id;
    const load = res.body.tasks.find((t) => t.key === 'load')!.id;
    await waitFor('the pipeline to fail', async () => (await api<PipelineDetail>(`/pipelines/${pipeline}`)).body.status === 'failed', 60_000);

    await page.goto('/ui/pipelines');
    const listed = page.locator(`tr[data-pipeline-id="${pipeline}"]`);
    await expect.poll(() => listed.getByTestId('pipeline-outcome').textContent()).toBe('1 completed, 1 failed, 1 upstream failed of 3');
    expect(await listed.locator('.badge').textContent()).toBe('Failed33%');
    await session.screenshot('new-user-pipelines');

    await listed.getByRole('link', { name: 'In the table' }).click();
    await page.getByRole('list', { name: 'Active filters' }).getByText(`Pipeline: ${pipeline}`).waitFor();
    await expect.poll(() => page.locator('tbody tr').count()).toBe(3);

    await page.goto(`/ui/tasks/${load}`);
    await page.locator('.page-header .badge[data-status="failed"]').waitFor();
    expect(await page.locator('.progress-block').textContent()).not.toContain('Waiting for');
  });
});

describe('the graph at 1440×900', () => {
  it('keeps its zoom and fit buttons and its minimap on screen, marks the task a neighbourhood is drawn around, and says the depth limit', async () => {
    const name = uniqueTag('graph');
    const res = await api<PipelineDetail>('/pipelines', {
      method: 'POST',
      json: {
        name,
        tasks: [
          { key: 'a', type: 'command', input: { command: 'true' } },
          { key: 'b', type: 'command', input: { command: 'true' }, depends_on: ['a'] },
          { key: 'c', type: 'command', input: { command: 'true' }, depends_on: ['b'] },
        ],
      },
    });
    const ids = Object.fromEntries(res.body.tasks.map((t) => [t.key, t.id]));
    await waitFor('the pipeline in GET /graph', async () => (await api<{ nodes: unknown[] }>(`/graph?pipeline=${res.body.id}`)).body.nodes.length === 3);

    await page.goto(`/ui/graph?pipeline=${encodeURIComponent(res.body.id)}`);
    await page.locator('.react-flow__node').first().waitFor();
    for (const selector of ['.react-flow__controls', '.graph-minimap']) {
      const box = await page.locator(selector).boundingBox();
      expect(box, selector).not.toBeNull();
      expect(box!.y + box!.height, `${selector} bottom`).toBeLessThanOrEqual(900);
    }
    await session.screenshot('new-user-graph-pipeline');

    await page.goto(`/ui/graph?task=${ids.b}&depth=99`);
    await page.locator(`.react-flow__node[data-id="${ids.b}"] .task-node-focus`).waitFor();
    expect(await page.locator(`.react-flow__node[data-id="${ids.b}"]`).textContent()).toContain('This task');
    expect(await page.locator('.task-node-focus').count()).toBe(1);
    expect(await text('[data-testid="depth-notice"]')).toContain(`showing ${MAX_GRAPH_DEPTH} edges each way`);
    expect(await page.getByLabel('Depth').inputValue()).toBe(String(MAX_GRAPH_DEPTH));
    const box = await page.locator('.react-flow__controls').boundingBox();
    expect(box!.y + box!.height).toBeLessThanOrEqual(900);
    await session.screenshot('new-user-graph-neighbourhood');
  });
});

describe('the submit form', () => {
  it('puts the dataset first, shows every API error next to its field in words, and tells its name fields apart', async () => {
    await page.goto('/ui/submit?type=media_addition');
    const datasetBox = await page.getByLabel('Dataset ID').boundingBox();
    const urlsBox = await page.getByLabel('Urls').boundingBox();
    expect(datasetBox!.y).toBeLessThan(urlsBox!.y);

    await page.getByLabel('Dataset ID').fill('Not An Id');
    await page.getByLabel('Urls').fill('https://example.org/a.png\nftp://example.org/b.png\nnot-a-url');
    await page.getByRole('button', { name: 'Start Media Addition' }).click();
    const urlsError = page.locator('#field-input-urls-error');
    await urlsError.waitFor();
    expect(await urlsError.textContent()).toBe('Line 2: must be an http(s) URL. Line 3: must be an http(s) URL');
    expect(await text('#field-dataset_id-error')).toContain('a dataset id is 1-64 lowercase letters');
    expect(await page.locator('main').textContent()).not.toContain('input.urls');
    expect(await page.locator('.banner-error').count()).toBe(0);
    expect(session.errors.splice(0)).toEqual([expect.stringContaining('status of 400')]);
    await session.screenshot('new-user-submit-errors');

    await page.goto('/ui/submit?type=snapshot_create');
    await page.getByRole('button', { name: 'Start Snapshot Create' }).waitFor();
    const labels = await page.locator('label.field-label').allTextContents();
    expect(labels.filter((l) => l === 'Name')).toHaveLength(1);
    expect(labels).toContain('Task name');
    expect(new Set(labels).size).toBe(labels.length);

    await page.goto('/ui/submit?type=command');
    await page.getByRole('button', { name: 'Start Command' }).waitFor();
    expect(await page.locator('.type-description').textContent()).not.toContain('`');
    expect(await page.locator('.type-description code').first().textContent()).toBe('PROGRESS <0-100> [message]');
  });

  it('shows a dataset that exists already next to the Dataset ID, before anything runs', async () => {
    const { id } = await dataset(`Existing ${uniqueTag('n')}`);
    await page.goto('/ui/submit?type=dataset_creation');
    await page.getByLabel('Dataset ID').fill(id);
    await page.getByLabel('Folder').fill(work);
    await page.getByRole('button', { name: 'Start Dataset Creation' }).click();
    await page.locator('#field-dataset_id-error').getByText(`Dataset ${id} already exists; choose another dataset_id`).waitFor();
    expect(session.errors.splice(0)).toEqual([expect.stringContaining('status of 409')]);
  });
});

describe('a finished task page', () => {
  it('names the worker that ran it, and its log search starts on the first match', async () => {
    const task = await startTask({ name: uniqueTag('lines'), input: { command: 'for i in $(seq 1 30); do echo "line $i"; done' } });
    await waitForStatus(task.id, ['completed']);
    await page.goto(`/ui/tasks/${task.id}`);
    const worker = page.locator('.facts dt', { hasText: 'Worker' }).locator('xpath=following-sibling::dd[1]');
    await expect.poll(() => worker.textContent()).toMatch(/\S/);
    expect(await worker.textContent()).not.toBe('—');

    await page.locator('[data-line="30"]').waitFor();
    await page.getByLabel('Search the log').fill('line 2');
    // line 2, line 20 … line 29: the first one is current, and the counter says 1, not 0.
    await expect.poll(() => page.getByTestId('match-count').textContent()).toBe('1 / 11');
    await page.locator('.log-line-current[data-line="2"]').waitFor();
    await page.getByRole('button', { name: 'Next match' }).click();
    await expect.poll(() => page.getByTestId('match-count').textContent()).toBe('2 / 11');
    await page.locator('.log-line-current[data-line="20"]').waitFor();
    await session.screenshot('new-user-log-search');
  });
});
