import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { PipelineDetail } from '../../core/contract';
import { api, apiUrl, startTask, uniqueTag, waitFor, waitForStatus } from '../integration/helpers';
import { openBrowser, type BrowserSession } from './browser';

/** The dependency graph in a real Chromium: pipelines run by the real stack, drawn live. */
let session: BrowserSession;
let page: Page;

beforeAll(async () => {
  session = await openBrowser(apiUrl());
  page = session.page;
});

afterEach(() => {
  const errors = session.errors.splice(0);
  expect(errors).toEqual([]);
});

afterAll(async () => {
  await session?.close();
});

interface Step {
  key: string;
  command: string;
  depends_on?: string[];
}

/** Starts a pipeline of commands; answers its id and each step's task id by key. */
async function startPipeline(steps: Step[]): Promise<{ id: string; ids: Record<string, string>; name: string }> {
  const name = uniqueTag('pipeline');
  const res = await api<PipelineDetail>('/pipelines', {
    method: 'POST',
    json: { name, tasks: steps.map((s) => ({ key: s.key, type: 'command', name: `${name} ${s.key}`, input: { command: s.command }, depends_on: s.depends_on })) },
  });
  expect(res.status).toBe(201);
  const ids = Object.fromEntries(res.body.tasks.map((t) => [t.key, t.id]));
  // Every task is in the API's graph before the page draws it: a late one would be a new structure.
  await waitFor('the whole pipeline in GET /graph', async () => (await api<{ nodes: unknown[] }>(`/graph?pipeline=${res.body.id}`)).body.nodes.length === steps.length);
  return { id: res.body.id, ids, name };
}

const node = (id: string) => page.locator(`.react-flow__node[data-id="${id}"] .task-node`);
const edge = (source: string, target: string) => page.locator(`.react-flow__edge[data-id="${source}>${target}:depends_on"]`);
// The test files compile without the DOM library, so the browser global is reached through globalThis.
const style = (locator: ReturnType<Page['locator']>, property: string, pseudo?: string) =>
  locator.evaluate(
    (el, [p, pseudoElement]) => (globalThis as unknown as { getComputedStyle(e: unknown, pseudo?: string): { getPropertyValue(n: string): string } }).getComputedStyle(el, pseudoElement).getPropertyValue(p),
    [property, pseudo] as const,
  );
/** Where React Flow placed each node, in graph coordinates, and the viewport's own transform. */
const placement = () =>
  page.evaluate(`({
    nodes: Object.fromEntries([...document.querySelectorAll('.react-flow__node')].map((n) => [n.dataset.id, n.style.transform])),
    viewport: document.querySelector('.react-flow__viewport').style.transform,
  })`) as Promise<{ nodes: Record<string, string>; viewport: string }>;

describe('the dependency graph', () => {
  it('shows a failed middle task red, the tasks below it upstream_failed and blocked, and the critical path; a click opens the task', async () => {
    const { id, ids, name } = await startPipeline([
      { key: 'extract', command: 'sleep 1' },
      { key: 'transform', command: 'sleep 2; echo "bad row" >&2; exit 3', depends_on: ['extract'] },
      { key: 'load', command: 'true', depends_on: ['transform'] },
      { key: 'publish', command: 'true', depends_on: ['load'] },
      { key: 'audit', command: 'true', depends_on: ['extract'] },
    ]);
    await Promise.all([waitForStatus(ids.publish, ['upstream_failed']), waitForStatus(ids.audit, ['completed'])]);

    await page.goto(`/ui/graph?pipeline=${encodeURIComponent(id)}`);
    await expect.poll(() => node(ids.publish).getAttribute('data-status')).toBe('upstream_failed');
    expect(await page.locator('.react-flow__node').count()).toBe(5);
    // The layout ran in the production build's Web Worker, off the page's thread.
    expect(page.workers().map((w) => w.url())).toContainEqual(expect.stringMatching(/\/assets\/layout\.worker-[\w-]+\.js$/));

    // The failed task is red.
    expect(await node(ids.transform).getAttribute('data-status')).toBe('failed');
    expect(await node(ids.transform).locator('.badge').textContent()).toBe('Failed0%');
    expect(await style(node(ids.transform), 'border-left-color')).toBe('rgb(180, 35, 24)');
    // Below it: upstream_failed, marked blocked, and saying by what.
    for (const key of ['load', 'publish']) {
      expect(await node(ids[key]).getAttribute('data-status')).toBe('upstream_failed');
      expect(await node(ids[key]).getAttribute('data-blocked')).toBe('true');
      expect(await node(ids[key]).locator('.task-node-flag').textContent()).toBe('Blocked');
      expect(await node(ids[key]).getAttribute('title')).toContain(`Blocked by failed upstream task: ${name} transform (failed)`);
    }
    expect(await node(ids.audit).getAttribute('data-blocked')).toBeNull();
    // The critical path runs extract (1 s) → transform (2 s) → load → publish, highlighted.
    for (const [source, target] of [['extract', 'transform'], ['transform', 'load'], ['load', 'publish']]) {
      expect(await edge(ids[source], ids[target]).getAttribute('class')).toContain('edge-critical');
    }
    expect(await edge(ids.extract, ids.audit).getAttribute('class')).not.toContain('edge-critical');
    expect(await style(edge(ids.extract, ids.transform).locator('.react-flow__edge-path'), 'stroke')).toBe('rgb(217, 72, 15)');
    await expect.poll(() => page.getByTestId('graph-summary').textContent()).toContain('1 failed');
    await session.screenshot('graph-pipeline-failed');

    await node(ids.transform).click();
    await page.waitForURL(`**/tasks/${ids.transform}`);
    await page.getByRole('heading', { name: `${name} transform` }).waitFor();
  });

  it('changes a node live when its task runs and completes, without moving any node or reloading', async () => {
    const { id, ids } = await startPipeline([
      { key: 'gate', command: 'for i in 1 2 3 4 5 6; do echo "PROGRESS $((i*15)) step $i"; sleep 1; done' },
      { key: 'left', command: 'true', depends_on: ['gate'] },
      { key: 'right', command: 'true', depends_on: ['gate'] },
    ]);
    await page.goto(`/ui/graph?pipeline=${encodeURIComponent(id)}`);
    await expect.poll(() => node(ids.gate).getAttribute('data-status')).toBe('running');
    await page.evaluate('window.graphLoadedOnce = true');
    const before = await placement();
    expect(Object.keys(before.nodes).sort()).toEqual(Object.values(ids).sort());
    // A running task ticks its duration and pulses.
    const duration = await node(ids.gate).getByTestId('node-duration').textContent();
    await expect.poll(() => node(ids.gate).getByTestId('node-duration').textContent()).not.toBe(duration);
    expect(await style(node(ids.gate), 'animation-name', '::after')).toBe('node-pulse');
    await session.screenshot('graph-live-running');

    await expect.poll(() => node(ids.right).getAttribute('data-status'), { timeout: 60_000 }).toBe('completed');
    expect(await node(ids.gate).getAttribute('data-status')).toBe('completed');
    expect(await node(ids.gate).locator('.badge').textContent()).toBe('Completed100%');
    expect(await placement()).toEqual(before);
    expect(await page.evaluate('window.graphLoadedOnce')).toBe(true);
  });

  it('aborts a running pipeline from its graph: its running task ends aborted and those still waiting never run', async () => {
    const { id, ids, name } = await startPipeline([
      { key: 'slow', command: 'sleep 300' },
      { key: 'next', command: 'true', depends_on: ['slow'] },
      { key: 'last', command: 'true', depends_on: ['next'] },
    ]);
    await waitForStatus(ids.slow, ['running']);
    await page.goto(`/ui/graph?pipeline=${encodeURIComponent(id)}`);
    const bar = page.getByRole('group', { name: `Pipeline ${name}` });
    await expect.poll(() => bar.locator('.badge').getAttribute('data-status')).toBe('running');
    // The task's own state said running; the index that counts the pipeline's tasks may be a poll behind.
    await expect.poll(() => bar.getByTestId('pipeline-finished').textContent()).toBe('none of 3 finished · 2 pending, 1 running');
    await expect.poll(() => node(ids.slow).getAttribute('data-status')).toBe('running');
    await session.screenshot('graph-pipeline-running');

    page.once('dialog', (dialog) => void dialog.accept());
    await bar.getByRole('button', { name: 'Abort pipeline' }).click();
    await page.getByText(`Abort requested for pipeline ${name}`).waitFor();
    // Cancellation reaches the command at its next heartbeat, and the row the page at the next poll: seconds under a loaded suite.
    await expect.poll(() => node(ids.slow).getAttribute('data-status'), { timeout: 30_000 }).toBe('aborted');
    // A waiting task hears the cancellation itself, or first that its upstream task ended: either way it never runs.
    for (const key of ['next', 'last']) await expect.poll(() => node(ids[key]).getAttribute('data-status')).toMatch(/^(aborted|upstream_failed)$/);
    await expect.poll(() => bar.locator('.badge').getAttribute('data-status')).toBe('aborted');
    // Every task ended, none completed: how they ended, not "finished" at 100%.
    // Each waiting task is aborted or upstream_failed, whichever reached it first.
    const outcome = /^(\d) aborted(?:, (\d) upstream failed)? of 3$/.exec((await bar.getByTestId('pipeline-finished').textContent()) ?? '');
    expect(outcome, 'how the three tasks ended').not.toBeNull();
    expect(Number(outcome![1]) + Number(outcome![2] ?? 0)).toBe(3);
    expect(await bar.getByRole('button', { name: 'Abort pipeline' }).count()).toBe(0);
    // The picker names the pipeline's new status too.
    await expect.poll(() => page.getByLabel('Pipeline', { exact: true }).locator(`option[value="${id}"]`).textContent()).toContain('Aborted');
    await session.screenshot('graph-pipeline-aborted');
  });

  it('redraws when a new task depends on a drawn one', async () => {
    const first = await startTask({ name: uniqueTag('upstream'), input: { command: 'true' } });
    await page.goto(`/ui/graph?task=${first.id}&depth=1`);
    await node(first.id).waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(1);
    const res = await api<{ id: string }>('/tasks', { method: 'POST', json: { type: 'command', name: uniqueTag('downstream'), input: { command: 'true' }, depends_on: [first.id] } });
    expect(res.status).toBe(201);
    // Heard on /events as a new task with an edge to a drawn one: refetched and laid out again.
    await node(res.body.id).waitFor({ timeout: 20_000 });
    // Side by side, the edge is a horizontal line: its box has no height, which Playwright calls
    // hidden. So: it is drawn, from the right side of the first node to the left of the new one.
    await edge(first.id, res.body.id).waitFor({ state: 'attached' });
    const ends = (await page.evaluate(`(() => {
      const box = (id) => {
        const { left, right } = document.querySelector('.react-flow__node[data-id="' + id + '"]').getBoundingClientRect();
        return { left, right };
      };
      const path = document.querySelector('.react-flow__edge[data-id="${first.id}>${res.body.id}:depends_on"] .react-flow__edge-path');
      const length = path.getTotalLength();
      const toScreen = (point) => ({ x: point.matrixTransform(path.getScreenCTM()).x });
      return { from: box('${first.id}'), to: box('${res.body.id}'), start: toScreen(path.getPointAtLength(0)), end: toScreen(path.getPointAtLength(length)) };
    })()`)) as { from: { left: number; right: number }; to: { left: number; right: number }; start: { x: number }; end: { x: number } };
    expect(Math.abs(ends.start.x - ends.from.right)).toBeLessThan(3);
    expect(Math.abs(ends.end.x - ends.to.left)).toBeLessThan(3);
  });

  it('collapses pipelines into one node each with their counts, kept live, and expands one on click', async () => {
    const a = await startPipeline([
      { key: 'fetch', command: 'true' },
      { key: 'clean', command: 'true', depends_on: ['fetch'] },
      { key: 'split', command: 'true', depends_on: ['clean'] },
    ]);
    const gate = join(mkdtempSync(join(tmpdir(), 'taskdeck-graph-')), 'go');
    const b = await startPipeline([
      { key: 'train', command: 'true' },
      { key: 'score', command: `while [ ! -e ${gate} ]; do sleep 0.2; done`, depends_on: ['train'] },
    ]);
    const report = await api<{ id: string }>('/tasks', {
      method: 'POST',
      json: { type: 'command', name: uniqueTag('report'), input: { command: 'true' }, depends_on: [a.ids.split, b.ids.score] },
    });
    expect(report.status).toBe(201);
    await Promise.all([waitForStatus(a.ids.split, ['completed']), waitForStatus(b.ids.score, ['running'])]);

    // The report's neighbourhood holds both pipelines whole: six tasks, drawn as they are.
    await page.goto(`/ui/graph?task=${report.body.id}&depth=3`);
    await expect.poll(() => page.locator('.react-flow__node').count(), { timeout: 20_000 }).toBe(6);
    await page.getByTestId('group-notice').getByText('2 pipelines, batches or schedules can be drawn as one node each.').waitFor();

    await page.getByRole('button', { name: 'Collapse groups' }).click();
    const groupA = page.locator(`.react-flow__node[data-id="pipeline:${a.id}"] .group-node`);
    const groupB = page.locator(`.react-flow__node[data-id="pipeline:${b.id}"] .group-node`);
    await groupA.waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(3);
    expect(await groupA.locator('.task-node-name').textContent()).toBe(a.name);
    expect(await groupA.getByTestId('group-total').textContent()).toBe('3 tasks');
    expect(await groupA.getByTestId('group-counts').textContent()).toBe('3 completed');
    expect(await groupA.getAttribute('data-status')).toBe('completed');
    await expect.poll(() => groupB.getByTestId('group-counts').textContent()).toBe('1 running, 1 completed');
    expect(await groupB.getAttribute('data-status')).toBe('running');
    // Each pipeline is one edge into the report, which waits for them.
    await page.locator(`.react-flow__edge[data-id="pipeline:${a.id}>${report.body.id}:depends_on"]`).waitFor({ state: 'attached' });
    await page.locator(`.react-flow__edge[data-id="pipeline:${b.id}>${report.body.id}:depends_on"]`).waitFor({ state: 'attached' });
    expect(await page.getByTestId('graph-summary').textContent()).toContain('6 tasks');
    await session.screenshot('graph-groups-collapsed');

    // Live while collapsed: B's last task completes, and its group says so without a new layout.
    writeFileSync(gate, '');
    await expect.poll(() => groupB.getByTestId('group-counts').textContent(), { timeout: 20_000 }).toBe('2 completed');
    expect(await groupB.getAttribute('data-status')).toBe('completed');

    // A click expands A in place: its three tasks, B still one node.
    await groupA.click();
    await node(a.ids.split).waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(5);
    expect(await groupB.count()).toBe(1);
    expect(await node(a.ids.clean).getAttribute('data-status')).toBe('completed');
    await edge(a.ids.split, report.body.id).waitFor({ state: 'attached' });
    await page.getByTestId('group-notice').getByText('1 group is drawn as one node: click it to expand it.').waitFor();
    await session.screenshot('graph-group-expanded');
    // A's chip collapses it alone again: one node, B untouched.
    await page.getByRole('button', { name: `Collapse pipeline ${a.name}` }).click();
    await groupA.waitFor();
    expect(await page.locator('.react-flow__node').count()).toBe(3);
    expect(await page.getByRole('list', { name: 'Expanded groups' }).count()).toBe(0);
    await page.getByRole('button', { name: 'Expand all' }).click();
    await expect.poll(() => page.locator('.react-flow__node').count()).toBe(6);
  });

  it("shows a task's upstream and downstream tasks on its page, and loads no graph code for a task without any", async () => {
    const { ids } = await startPipeline([
      { key: 'first', command: 'true' },
      { key: 'middle', command: 'true', depends_on: ['first'] },
      { key: 'last', command: 'true', depends_on: ['middle'] },
    ]);
    await page.goto(`/ui/tasks/${ids.middle}`);
    const small = page.locator('.neighbourhood');
    await expect.poll(() => small.locator('.react-flow__node').count()).toBe(3);
    const middle = small.locator(`.react-flow__node[data-id="${ids.middle}"] .task-node`);
    expect(await middle.getAttribute('class')).toContain('task-node-focus');
    // The small graph is live too: the index may lag the page's own describe by a poll.
    await expect.poll(() => middle.getAttribute('data-status')).toBe('completed');
    await page.locator('.neighbourhood').scrollIntoViewIfNeeded();
    await session.screenshot('detail-neighbourhood');
    await small.getByRole('link', { name: 'Open in the graph' }).click();
    await page.waitForURL((url) => url.pathname === '/ui/graph' && url.searchParams.get('task') === ids.middle);
    await page.locator('.react-flow__node').nth(2).waitFor();

    const loneName = uniqueTag('lone');
    const lone = await startTask({ name: loneName, input: { command: 'true' } });
    const loaded: string[] = [];
    page.on('request', (request) => loaded.push(request.url()));
    const checked = page.waitForResponse((response) => response.url().includes(`/graph?task=${lone.id}`));
    await page.goto(`/ui/tasks/${lone.id}`);
    await page.getByRole('heading', { name: loneName }).waitFor();
    await checked;
    await page.waitForTimeout(500);
    expect(await page.locator('.neighbourhood').count()).toBe(0);
    expect(loaded.filter((url) => /TaskNeighbourhood|layout\.worker|TaskGraphView/.test(url))).toEqual([]);
  });

  it('lets the user pick what to draw, keeps it in the URL, and says what to do when there is nothing', async () => {
    const { id, name } = await startPipeline([
      { key: 'a', command: 'true' },
      { key: 'b', command: 'true', depends_on: ['a'] },
    ]);
    await page.goto('/ui/graph');
    await page.getByRole('button', { name: 'Pipeline', exact: true }).click();
    await page.getByText('Choose a pipeline to draw its tasks.').waitFor();
    const picker = page.getByLabel('Pipeline', { exact: true });
    await expect.poll(() => picker.locator('option').allTextContents()).toContainEqual(expect.stringContaining(name));
    await picker.selectOption(id);
    await page.waitForURL((url) => url.searchParams.get('pipeline') === id);
    await page.locator('.react-flow__node').nth(1).waitFor();
    await page.getByRole('button', { name: '24h' }).click();
    await page.waitForURL((url) => url.searchParams.get('within_hours') === '24');
    await page.reload();
    expect(await page.getByRole('button', { name: 'Pipeline', exact: true }).getAttribute('aria-pressed')).toBe('true');
    await page.locator('.react-flow__node').nth(1).waitFor();

    await page.goto('/ui/graph?batch=no-such-batch');
    await page.getByText('Batch no-such-batch has no tasks in the past 14 days.').waitFor();
    await session.screenshot('graph-empty');
    await page.goto('/ui/graph?task=no-such-task');
    await page.getByText('There is no task no-such-task in the 14-day window.').waitFor();
    // Chromium logs the 404 it got; that answer was the point of the step.
    expect(session.errors.splice(0)).toEqual([expect.stringContaining('status of 404')]);
  });
});
