import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { Client, Connection } from '@temporalio/client';
import { SA } from '../core';
import { windowQuery } from '../api/visibilityQuery';
import { openBrowser } from '../test/e2e/browser';
import { ROOT, startStack } from '../test/support/stack';

/**
 * `npm run bench`: starts its own stack, seeds tasks, and prints one JSON object of figures,
 * each next to what the raw Temporal client does in the same run. Not part of `npm test`.
 */
const TASKS = Number(process.env.BENCH_TASKS ?? 10_000);
const SAMPLES = 7;
const SEED_CONCURRENCY = 32;
/** A queue no worker polls: seeded tasks stay pending in the window, which is all the table needs. */
const IDLE_QUEUE = 'taskdeck-bench-idle';

async function run(): Promise<void> {
  const webDir = resolve(ROOT, 'web/dist');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, stdio: 'inherit' });
  const stack = await startStack('bench', 'taskdeck-bench');
  const connection = await Connection.connect({ address: stack.temporalAddress });
  const client = new Client({ connection });
  try {
    const seedMs = await seed(client, TASKS);
    await waitForIndex(stack.apiUrl, TASKS);

    const query = windowQuery(['command'], new Date(Date.now() - 14 * 24 * 3600 * 1000));
    const raw = await sample(async () => {
      const started = performance.now();
      for await (const _ of client.workflow.list({ query, pageSize: 25 })) break;
      return performance.now() - started;
    });
    const api = await sample(async () => {
      const started = performance.now();
      await (await fetch(`${stack.apiUrl}/tasks?limit=25`)).json();
      return performance.now() - started;
    });
    const browser = await openBrowser(stack.apiUrl);
    const table = await sample(async () => {
      const started = performance.now();
      await browser.page.goto('/', { waitUntil: 'commit' });
      await browser.page.locator('tbody tr').first().waitFor();
      return performance.now() - started;
    });
    await browser.close();

    const results = {
      date: new Date().toISOString(),
      tasks_in_window: TASKS,
      seed: { tasks_per_second: round(TASKS / (seedMs / 1000)) },
      table_first_rows: {
        what: `${TASKS} tasks in the 14-day window, medians of ${SAMPLES}: a page load in Chromium until the table's first row shows; the API's first page (GET /tasks?limit=25) against the raw client's first page of the same window`,
        page_load_ms: round(median(table)),
        api_first_page_ms: round(median(api)),
        raw_client_first_page_ms: round(median(raw)),
        api_vs_raw_ratio: round(median(api) / median(raw)),
      },
      web_bundle_gzip_bytes: bundleSize(webDir),
    };
    const json = JSON.stringify(results, null, 2);
    mkdirSync(resolve(ROOT, 'bench/results'), { recursive: true });
    writeFileSync(resolve(ROOT, 'bench/results/latest.json'), `${json}\n`);
    console.log(json);
  } finally {
    await connection.close();
    await stack.stop();
  }
}

async function seed(client: Client, count: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const startOne = async (): Promise<void> => {
    while (next < count) {
      const i = next++;
      await client.workflow.start('command', {
        taskQueue: IDLE_QUEUE,
        workflowId: `bench-${i}-${Date.now()}`,
        args: [{ input: { command: 'true' }, name: `bench task ${i}` }],
        typedSearchAttributes: [
          { key: SA.type, value: 'command' },
          { key: SA.status, value: 'pending' },
          { key: SA.progress, value: 0 },
          { key: SA.updatedAt, value: new Date() },
          { key: SA.dataset, value: `dataset-${i % 50}` },
        ],
        memo: { name: `bench task ${i}` },
      });
    }
  };
  await Promise.all(Array.from({ length: SEED_CONCURRENCY }, startOne));
  return performance.now() - started;
}

async function waitForIndex(apiUrl: string, count: number): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const health = (await (await fetch(`${apiUrl}/healthz`)).json()) as { index: { tasks: number } };
    if (health.index.tasks >= count) return;
    if (Date.now() > deadline) throw new Error(`the API indexed only ${health.index.tasks} of ${count} tasks`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function sample(measure: () => Promise<number>): Promise<number[]> {
  await measure(); // warm-up
  const values: number[] = [];
  for (let i = 0; i < SAMPLES; i++) values.push(await measure());
  return values;
}

function bundleSize(webDir: string): { js: number; css: number; total: number } {
  const assets = join(webDir, 'assets');
  const size = (ext: string) =>
    readdirSync(assets)
      .filter((f) => f.endsWith(ext))
      .reduce((sum, f) => sum + gzipSync(readFileSync(join(assets, f))).length, 0);
  const js = size('.js');
  const css = size('.css');
  return { js, css, total: js + css };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const round = (n: number) => Math.round(n * 100) / 100;

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
