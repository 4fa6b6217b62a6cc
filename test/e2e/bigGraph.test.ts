import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { layeredDag } from '../../bench/graphShape';
import { apiUrl, temporalClient, uniqueTag } from '../integration/helpers';
import { endSeededGraph, seedGraph, waitForGraph } from '../support/seededGraph';
import { SCREENSHOTS, openBrowser, type BrowserSession } from './browser';

/**
 * A batch of 10,000 tasks in the bench's layered shape, drawn in Chromium. ELK overflowed its
 * stack from about 6,000 such tasks ("Layout failed: RangeError: Maximum call stack size
 * exceeded"); the layered layout draws it. The tasks are real workflows on a queue no worker
 * polls, so they stay as seeded.
 */
const TASKS = 10_000;
let session: BrowserSession;
let page: Page;
let temporal: Awaited<ReturnType<typeof temporalClient>>;
const batch = uniqueTag('big-batch');

beforeAll(async () => {
  temporal = await temporalClient();
  // Most of the test: the Temporal server starting 10,000 workflows (11 minutes on a 2-core machine under load).
  await seedGraph(temporal.client, 'taskdeck-e2e-idle', batch, layeredDag(TASKS).dependsOn, 64);
  await waitForGraph(apiUrl(), batch, TASKS, 20 * 60_000);
  session = await openBrowser(apiUrl());
  page = session.page;
}, 25 * 60_000);

afterAll(async () => {
  await session?.close();
  if (temporal) {
    await endSeededGraph(temporal.client, batch);
    await temporal.close();
  }
});

describe('a graph of 10,000 tasks', () => {
  it('lays out and draws the whole batch, zoomed out on the canvas, and zooms in to task nodes', async () => {
    await page.goto(`/ui/graph?batch=${encodeURIComponent(batch)}`);
    await page.waitForFunction("performance.getEntriesByName('taskdeck:graph-first-paint').length > 0", undefined, { timeout: 120_000 });
    expect(await page.getByText('Layout failed').count()).toBe(0);
    expect(await page.getByText(`${TASKS.toLocaleString('en-US')} tasks`).count()).toBeGreaterThan(0);
    // The whole graph fits only far out: it is one canvas there, not 10,000 DOM nodes.
    await page.getByRole('button', { name: 'Fit view' }).click();
    await page.locator('.graph-overview').waitFor();
    await page.screenshot({ path: `${SCREENSHOTS}/graph-10000-tasks.png` });
    const pane = (await page.locator('.react-flow__pane').boundingBox())!;
    await page.mouse.move(pane.x + pane.width / 3, pane.y + pane.height / 2);
    for (let i = 0; i < 16; i++) {
      await page.mouse.wheel(0, -200);
      await page.waitForTimeout(50);
    }
    await page.locator('.react-flow__node').first().waitFor({ timeout: 30_000 });
    expect(await page.locator('.react-flow__node').count()).toBeLessThan(TASKS);
    await page.screenshot({ path: `${SCREENSHOTS}/graph-10000-tasks-zoomed-in.png` });
    expect(session.errors).toEqual([]);
  }, 300_000);
});
