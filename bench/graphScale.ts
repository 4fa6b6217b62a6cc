import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import ELK from 'elkjs/lib/elk.bundled.js';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { buildTaskGraph, type GraphTask } from '../core/graph';
import { openBrowser } from '../test/e2e/browser';
import { seededStatus } from '../test/support/seededGraph';
import { ROOT, type Stack } from '../test/support/stack';
import { layoutGraph } from '../web/src/graph/elkLayout';
import { layeredLayout } from '../web/src/graph/layeredLayout';
import { LONG_TASKS_SCRIPT, openGraph, panAndZoom, type Opened } from './graph';
import { PIPELINE_SIZE, SHAPES, graphInput, type ShapeName } from './graphShape';
import type { LayoutJob } from './layoutWorker';
import { median, round, target, timed } from './stats';

/**
 * Issue 20: graphs of 5,000 to 50,000 tasks. The same graphs laid out by ELK (as the app ran it
 * for every size before) and by the layered layout that now takes graphs above 200 tasks, in
 * Node and in a Chromium Web Worker; then the graph page with 50,000 tasks, layered and one
 * chain: request to first paint, and the longest main-thread block while the page loads and
 * while the user pans and zooms.
 *
 * The page's `GET /graph` is answered by the bench (Playwright's routing) with what the API's
 * own `buildTaskGraph` makes of 50,000 task rows, statuses as the seeded batches have them:
 * starting 100,000 workflows on this shared 2-core machine takes longer than an hour (the
 * browser test of a 10,000-task batch draws real tasks). What the API spends building and
 * serialising that answer is measured beside it, in this process.
 */
const LAYOUTS: { shape: ShapeName; n: number }[] = [
  { shape: 'layered', n: 5000 },
  { shape: 'layered', n: 10_000 },
  { shape: 'layered', n: 50_000 },
  { shape: 'chain', n: 50_000 },
];
const PAGES: { shape: ShapeName; n: number }[] = [
  { shape: 'layered', n: 50_000 },
  { shape: 'chain', n: 50_000 },
  // 500 pipelines of 100: the page opens with each pipeline collapsed into one node (graphGroups.ts).
  { shape: 'pipelines', n: 50_000 },
];
const LAYERED_SAMPLES = 3;
const PAGE_SAMPLES = 3;
/** ELK in Chromium is given this long before it counts as not finishing. */
const ELK_LIMIT_MS = 60_000;

type Timing = { ms: number } | { ms: number; error: string };

export async function graphScaleFigures(stack: Stack) {
  const layouts: Record<string, Record<string, unknown>> = {};
  for (const { shape, n } of LAYOUTS) {
    const edges = SHAPES[shape](n).edges;
    progress(`layered layout of ${shape} ${n}`);
    layouts[`${shape}_${n}`] = {
      edges,
      node_layered_ms: round(median(await repeat(LAYERED_SAMPLES, () => inNode('layered', shape, n)))),
      chromium_worker_layered_ms: await inBrowser(stack, async (page) => round(median(await repeat(LAYERED_SAMPLES, () => inChromium(page, { layout: 'layered', shape, n }))))),
    };
  }
  const pages: Record<string, unknown> = {};
  for (const { shape, n } of PAGES) {
    progress(`the graph page with ${shape} ${n}`);
    pages[`${shape}_${n}`] = await inBrowser(stack, (page) => pageFigures(page, shape, n));
  }
  // ELK last: it takes long where it survives, and may take the browser down where it does not.
  for (const { shape, n } of LAYOUTS) {
    progress(`ELK on ${shape} ${n}`);
    layouts[`${shape}_${n}`].chromium_worker_elk = await inBrowser(stack, async (page) => figureOf(await inChromium(page, { layout: 'elk', shape, n })));
    layouts[`${shape}_${n}`].node_elk = figureOf(await inNode('elk', shape, n));
  }
  return {
    what: `layout of the bench's layered shape and of a chain, ELK (elkLayout.ts's options) against the layered layout (layeredLayout.ts), in Node and in a Chromium Web Worker (layered: median of ${LAYERED_SAMPLES}; ELK: one run, or what it died of); then the graph page of ${PAGES.map((p) => `${p.n} ${p.shape}`).join(' and ')} tasks in Chromium, GET /graph answered with buildTaskGraph's graph of as many task rows (median of ${PAGE_SAMPLES} loads; blocks: the longest)`,
    layouts,
    pages,
  };
}

function progress(step: string): void {
  console.error(`  graph_scale: ${step}`);
}

/** A fresh Chromium for each measure: one that a layout takes down costs only its own figure. */
async function inBrowser<T>(stack: Stack, measure: (page: Page) => Promise<T>): Promise<T | { error: string }> {
  const browser = await openBrowser(stack.apiUrl);
  try {
    await browser.context.addInitScript(LONG_TASKS_SCRIPT);
    await browser.page.goto('/ui/');
    return await measure(browser.page);
  } catch (err) {
    return { error: String(err) };
  } finally {
    await browser.close().catch(() => undefined);
  }
}

async function pageFigures(page: Page, shape: ShapeName, n: number) {
  const batch = `bench-scale-${shape}-${n}`;
  const graph = syntheticGraph(shape, n, batch);
  let body = '';
  const apiMs = await repeat(LAYERED_SAMPLES, async () => ({ ms: await timed(async () => (body = JSON.stringify(graph()))) }));
  // The answer comes over HTTP from this process: fulfilled through Playwright, it crossed the
  // DevTools pipe, which closes past 100 MB (the layered shape's answer is 86 MB, base64 more)
  // and took the browser down: the "tab died" of the first run of this section.
  const server = createServer((_, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end(body));
  await new Promise<void>((listening) => server.listen(0, '127.0.0.1', listening));
  const answerUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graph`;
  await page.route(
    (url) => url.pathname === '/graph' && url.searchParams.get('batch') === batch,
    // The page itself (`/graph?batch=` redirects to the app) loads as usual; only the app's fetch is answered here.
    (route) => (route.request().resourceType() === 'fetch' ? route.continue({ url: answerUrl }) : route.fallback()),
  );
  const samples: Opened[] = [];
  let expanded: Awaited<ReturnType<typeof expandOneGroup>> | undefined;
  try {
    for (let i = 0; i < PAGE_SAMPLES; i++) samples.push(await openGraph(page, batch));
    // On a fresh load, so pan and zoom below move about the graph as it opens.
    if (shape === 'pipelines') {
      expanded = await expandOneGroup(page, batch);
      await openGraph(page, batch);
    }
  } finally {
    server.close();
  }
  return {
    answer_bytes: body.length,
    api_build_and_serialise_ms: round(median(apiMs)),
    layout_in_worker_ms: target(median(samples.map((s) => s.layoutMs)), 5000, 'max'),
    request_to_first_paint_ms: target(median(samples.map((s) => s.firstPaintMs)), 10_000, 'max'),
    longest_main_thread_block_until_painted_ms: round(Math.max(...samples.map((s) => s.longestUntilPaintMs))),
    pan_and_zoom: await panAndZoom(page, 100),
    ...(expanded && { expand_one_group: expanded }),
  };
}

/** On a fresh load of a graph opened collapsed: a click on a group until its tasks are drawn. */
async function expandOneGroup(page: Page, batch: string) {
  await openGraph(page, batch);
  const groups = page.locator('.react-flow__node .group-node');
  const inView = await groups.count();
  await page.evaluate('window.__longTasks.length = 0');
  const started = Date.now();
  await groups.first().click();
  // Tasks are `<batch>-<i>`, groups `pipeline:<batch>-p<k>`.
  await page.locator(`.react-flow__node[data-id^="${batch}-"]`).first().waitFor({ timeout: 60_000 });
  const ms = Date.now() - started;
  await page.waitForTimeout(300);
  const blocks = (await page.evaluate('window.__longTasks.map((t) => t.duration)')) as number[];
  return { group_nodes_in_view: inView, click_to_its_tasks_drawn_ms: round(ms), longest_main_thread_block_ms: round(Math.max(0, ...blocks)) };
}

/** `GET /graph?batch=` as the API builds it from `n` task rows of the shape: a function, so its build is timed. */
function syntheticGraph(shape: ShapeName, n: number, batch: string): () => ReturnType<typeof buildTaskGraph> {
  const now = Date.now();
  const { dependsOn } = SHAPES[shape](n);
  const tasks: GraphTask[] = dependsOn.map((upstream, i) => {
    const status = seededStatus(i, n);
    const started = status === 'pending' ? null : new Date(now - ((i % 13) + 1) * 60_000).toISOString();
    return {
      id: `${batch}-${i}`,
      name: `step ${i}`,
      task_type: 'command',
      status,
      progress: status === 'completed' ? 100 : status === 'running' ? 50 : 0,
      message: null,
      created_at: new Date(now - (n - i) * 10).toISOString(),
      started_at: started,
      end_date: status === 'completed' || status === 'failed' ? new Date(now).toISOString() : null,
      duration_ms: started ? now - Date.parse(started) : null,
      dataset: null,
      dataset_id: null,
      pipeline_id: shape === 'pipelines' ? `${batch}-p${Math.floor(i / PIPELINE_SIZE)}` : null,
      batch_id: batch,
      schedule_id: null,
      error: status === 'failed' ? 'exit code 1' : null,
      depends_on: upstream.map((j) => `${batch}-${j}`),
      triggered_by: null,
      parent_id: null,
    };
  });
  return () => buildTaskGraph(tasks, { batch }, now, { pipelineOf: (id) => ({ name: `nightly ${id.slice(batch.length + 1)}`, schedule_id: null }) });
}

async function repeat(times: number, measure: () => Promise<Timing>): Promise<number[]> {
  const values: number[] = [];
  for (let i = 0; i < times; i++) {
    const timing = await measure();
    if ('error' in timing) throw new Error(timing.error);
    values.push(timing.ms);
  }
  return values;
}

function figureOf(timing: Timing): object {
  return 'error' in timing ? { failed_after_ms: round(timing.ms), error: timing.error } : { ms: round(timing.ms) };
}

async function inNode(layout: LayoutJob['layout'], shape: ShapeName, n: number): Promise<Timing> {
  const input = graphInput(shape, n);
  const started = performance.now();
  try {
    if (layout === 'elk') await layoutGraph(new ELK(), input);
    else layeredLayout(input);
    return { ms: performance.now() - started };
  } catch (err) {
    return { ms: performance.now() - started, error: String(err) };
  }
}

let workerCode: Promise<string> | undefined;

/** bench/layoutWorker.ts bundled for the browser, once. */
function bundledWorker(): Promise<string> {
  workerCode ??= build({ entryPoints: [resolve(ROOT, 'bench/layoutWorker.ts')], bundle: true, write: false, format: 'iife', platform: 'browser', logLevel: 'warning' }).then(
    (result) => result.outputFiles[0].text,
  );
  return workerCode;
}

/** One job in a fresh Web Worker of the page (its load not timed), stopped after ELK_LIMIT_MS. */
async function inChromium(page: Page, job: LayoutJob): Promise<Timing> {
  const code = await bundledWorker();
  // A string, as the bench's other page scripts: the bench compiles without the DOM library.
  return page.evaluate(`new Promise((done) => {
    const worker = new Worker(URL.createObjectURL(new Blob([${JSON.stringify(code)}], { type: 'text/javascript' })));
    const end = (timing) => { clearTimeout(timer); worker.terminate(); done(timing); };
    const timer = setTimeout(() => end({ ms: ${ELK_LIMIT_MS}, error: 'did not finish in ${ELK_LIMIT_MS} ms' }), ${ELK_LIMIT_MS});
    worker.onmessage = (event) => end(event.data);
    worker.onerror = (event) => end({ ms: 0, error: event.message });
    worker.postMessage(${JSON.stringify(job)});
  })`) as Promise<Timing>;
}
