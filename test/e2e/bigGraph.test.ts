import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layeredDag } from '../../bench/graphShape';
import { apiUrl, temporalClient, uniqueTag } from '../integration/helpers';
import { endSeededGraph, seedGraph, waitForGraph } from '../support/seededGraph';
import { SCREENSHOTS, openBrowser, type BrowserSession } from './browser';

/**
 * A batch of 3,000 tasks in the bench's layered shape, drawn in Chromium: past ELK_MAX_NODES, so
 * the layered layout lays it out, and past the canvas view's threshold. The tasks are real
 * workflows on a queue no worker polls, so they stay as seeded. Seeding is most of the test
 * (Temporal starts about 15 workflows a second here under the suite's load), so 10,000 and 50,000
 * tasks, where ELK overflowed its stack, are drawn by the bench (`BENCH_ONLY=graph_scale`, the same
 * page fed the graph the API would serve) and the layout's own test lays out 50,000.
 */
const TASKS = 3_000;
let session: BrowserSession;
let page: Page;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
const batch = uniqueTag('big-batch');

beforeAll(async () => {
  temporal = await temporalClient();
    // Eight starts at a time: the dev server's persistence has one QPS limit for everyone, and the
  // other browser tests' aborts and batch operations share this server meanwhile.
  await seedGraph(temporal.client, 'taskdeck-e2e-idle', batch, layeredDag(TASKS).dependsOn, 8);
  await waitForGraph(apiUrl(), batch, TASKS, 10 * 60_000);
  session = await openBrowser(apiUrl());
  page = session.page;
}, 12 * 60_000);

afterAll(async () => {
  await session?.close();
  if (temporal) {
    await endSeededGraph(temporal.client, batch);
    await temporal.close();
  }
});

describe('a graph of 3,000 tasks', () => {
  it('lays out and draws the whole batch, zoomed out on the canvas, and zooms in to task nodes', async () => {
    await page.goto(`/ui/graph?batch=${encodeURIComponent(batch)}`);
    await page.waitForFunction("performance.getEntriesByName('taskdeck:graph-first-paint').length > 0", undefined, { timeout: 120_000 });
    expect(await page.getByText('Layout failed').count()).toBe(0);
    expect(await page.getByText(`${TASKS.toLocaleString('en-US')} tasks`).count()).toBeGreaterThan(0);
    // The whole graph fits only far out: it is one canvas there, not 10,000 DOM nodes.
    await page.getByRole('button', { name: 'Fit view' }).click();
    await page.locator('.graph-overview').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/graph-3000-tasks.png` });
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.mouse.move(pane.x + pane.width / 3, pane.y + pane.height / 2);
    for (let i = 0; i < 16; i++) {
      await page.mouse.wheel(0, -200);
      await page.waitForTimeout(50);
    }
    await page.locator('.react-flow__node').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.react-flow__node').count()).toBeLessThan(TASKS);
    await page.screenshot({ path: `${SCREENSHOTS}/graph-3000-tasks-zoomed-in.png` });
    expect(session.errors).toEqual([]);
  }, 300_000);
});
