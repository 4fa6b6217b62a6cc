import type { Client } from '@temporalio/client';
import type { Page } from 'playwright-core';
import { openBrowser } from '../test/e2e/browser';
import { seedGraph, waitForGraph } from '../test/support/seededGraph';
import type { Stack } from '../test/support/stack';
import { layeredDag } from './graphShape';
import { median, round, target } from './stats';

/**
 * #8: the dependency graph page in headless Chromium against the bench's own stack. Each graph
 * is a batch of real tasks on a queue no worker polls (they stay as seeded, with `depends_on` in
 * their memo, as a task started with depends_on has), opened at `/graph?batch=…`. The page's own
 * performance entries give the figures: `taskdeck:graph-layout` (request to the worker until the
 * positions are back) and `taskdeck:graph-first-paint` (from asking for the graph until its
 * tasks are painted). The Long Tasks API tells how long the main thread was ever blocked.
 */
export const GRAPH_SIZES = [100, 1000, 5000] as const;
/** Tasks the section adds to the bench's window. */
const SAMPLES: Record<number, number> = { 100: 7, 1000: 5, 5000: 3 };
/** Every task the main thread runs for 50 ms or more, from the first script on. */
export const LONG_TASKS_SCRIPT =
  "window.__longTasks = []; new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });";

export async function graphFigures(stack: Stack, client: Client, idleQueue: string) {
  const run = Date.now().toString(36);
  const batches = new Map<number, string>();
  for (const n of GRAPH_SIZES) {
    const batch = `bench-graph-${n}-${run}`;
    await seedGraph(client, idleQueue, batch, layeredDag(n).dependsOn);
    batches.set(n, batch);
  }
  for (const [n, batch] of batches) await waitForGraph(stack.apiUrl, batch, n);

  const browser = await openBrowser(stack.apiUrl);
  try {
    await browser.context.addInitScript(LONG_TASKS_SCRIPT);
    const sizes: Record<string, unknown> = {};
    for (const n of GRAPH_SIZES) {
      const samples: Opened[] = [];
      for (let i = 0; i < SAMPLES[n]; i++) samples.push(await openGraph(browser.page, batches.get(n)!));
      const layout = median(samples.map((s) => s.layoutMs));
      const paint = median(samples.map((s) => s.firstPaintMs));
      sizes[`nodes_${n}`] = {
        edges: layeredDag(n).edges,
        layout_ms: n === 5000 ? target(layout, 10_000, 'max') : round(layout),
        first_paint_ms: n === 1000 ? target(paint, 2000, 'max') : round(paint),
        page_load_to_first_paint_ms: round(median(samples.map((s) => s.sinceNavigationMs))),
        longest_main_thread_block_during_layout_ms: round(Math.max(...samples.map((s) => s.longestDuringLayoutMs))),
        longest_main_thread_block_until_painted_ms: round(Math.max(...samples.map((s) => s.longestUntilPaintMs))),
      };
    }
    const moving = await panAndZoom(browser.page, 200);
    return {
      what: `GET /graph?batch=… drawn in Chromium, graphs of ${GRAPH_SIZES.join(', ')} tasks (median of ${GRAPH_SIZES.map((n) => SAMPLES[n]).join(', ')} page loads; blocks: the longest over all loads)`,
      ...sizes,
      pan_and_zoom_5000: moving,
    };
  } finally {
    await browser.close();
  }
}

export interface Opened {
  layoutMs: number;
  firstPaintMs: number;
  sinceNavigationMs: number;
  longestDuringLayoutMs: number;
  longestUntilPaintMs: number;
}

export async function openGraph(page: Page, batch: string): Promise<Opened> {
  await page.goto(`/graph?batch=${encodeURIComponent(batch)}`);
  await page.waitForFunction("performance.getEntriesByName('taskdeck:graph-first-paint').length > 0", undefined, { timeout: 120_000 });
  return page.evaluate(`(() => {
    const layout = performance.getEntriesByName('taskdeck:graph-layout')[0];
    const paint = performance.getEntriesByName('taskdeck:graph-first-paint')[0];
    const longest = (from, to) => Math.max(0, ...window.__longTasks.filter((t) => t.start < to && t.start + t.duration > from).map((t) => t.duration));
    return {
      layoutMs: layout.duration,
      firstPaintMs: paint.duration,
      sinceNavigationMs: paint.startTime + paint.duration,
      longestDuringLayoutMs: longest(layout.startTime, layout.startTime + layout.duration),
      longestUntilPaintMs: longest(0, paint.startTime + paint.duration),
    };
  })()`);
}

/**
 * With a big graph open (the last one loaded): drag to pan, wheel out to the whole graph, fit
 * view, pan there, and wheel back in, as a user would, timing the main thread against `limitMs`.
 */
export async function panAndZoom(page: Page, limitMs: number) {
  // Let the first paint's follow-up work (task type labels, the minimap) settle first.
  await page.waitForTimeout(1000);
  await page.evaluate('window.__longTasks.length = 0');
  const box = (await page.locator('.react-flow__pane').boundingBox())!;
  const x = box.x + box.width / 2;
  const y = box.y + box.height / 2;
  const started = Date.now();
  const drag = async (dx: number, dy: number) => {
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) await page.mouse.move(x + (dx * i) / 30, y + (dy * i) / 30);
    await page.mouse.up();
  };
  const wheel = async (deltaY: number, times: number) => {
    for (let i = 0; i < times; i++) {
      await page.mouse.wheel(0, deltaY);
      await page.waitForTimeout(40);
    }
  };
  const phases: Record<string, number> = {};
  const phase = async (name: string, act: () => Promise<void>) => {
    await act();
    await page.waitForTimeout(300);
    const blocks = (await page.evaluate('window.__longTasks.splice(0).map((t) => t.duration)')) as number[];
    phases[name] = Math.max(0, ...blocks);
    return blocks.length;
  };
  let over50 = 0;
  over50 += await phase('drag_pan', () => drag(-450, -150));
  over50 += await phase('wheel_out_past_nodes_to_canvas', () => wheel(200, 12));
  over50 += await phase('fit_view', () => page.getByRole('button', { name: 'Fit view' }).click());
  over50 += await phase('drag_pan_whole_graph', () => drag(300, 100));
  over50 += await phase('wheel_in_back_to_nodes', () => wheel(-200, 10));
  over50 += await phase('drag_pan_again', () => drag(-300, 200));
  return {
    what: 'drag-pan, wheel out to the whole graph, fit view, pan, wheel back in, pan (Long Tasks API, tasks of 50 ms or more)',
    seconds: round((Date.now() - started) / 1000),
    longest_main_thread_block_ms: target(Math.max(...Object.values(phases)), limitMs, 'max'),
    longest_by_step_ms: Object.fromEntries(Object.entries(phases).map(([name, ms]) => [name, round(ms)])),
    tasks_over_50_ms: over50,
  };
}
