/**
 * Takes the README's tour screenshots, `docs/images/{table,task,graph}.png`, from a real stack:
 *
 *   TEMPORAL_CLI=~/.cache/taskdeck/bin/temporal node --import tsx scripts/tourScreenshots.ts
 *
 * It starts its own Temporal dev server, worker and API (`startStack`, as the tests do), builds
 * the web app first if `web/dist` is missing, seeds a small realistic set of tasks through the
 * HTTP API (a dataset import and its enrichment, a pipeline, command tasks reporting progress, a
 * batch with a failure), waits until they have settled into a mix of completed, running and
 * failed, and photographs three whole pages with Debian's Chromium in a 1440×900 window. It then
 * aborts what is still running and stops the stack.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import type { PipelineDetail, TaskRecord } from '../core/contract';
import { openBrowser } from '../test/e2e/browser';
import { folderWith, pngImage } from '../test/support/fixtures';
import { ROOT, startStack, tempDir, removeDir, type Stack } from '../test/support/stack';

const OUT = join(ROOT, 'docs', 'images');
const VIEWPORT = { width: 1440, height: 900 };

const cachedCli = join(homedir(), '.cache', 'taskdeck', 'bin', 'temporal');
if (!process.env.TEMPORAL_CLI && existsSync(cachedCli)) process.env.TEMPORAL_CLI = cachedCli;

let base = '';

async function api<T>(path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function post<T>(path: string, body: unknown): Promise<T> {
  const res = await api<T>(path, body);
  if (res.status !== 201) throw new Error(`POST ${path} answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body;
}

async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 180_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Waits until the task list (the API's index, which the table shows) has the task in one of `statuses`. */
async function settled(id: string, statuses: string[], extra: (t: TaskRecord) => boolean = () => true, timeoutMs = 180_000): Promise<TaskRecord> {
  return waitFor(
    `task ${id} to be ${statuses.join('|')}`,
    async () => {
      const { body } = await api<TaskRecord[]>(`/tasks?q=${encodeURIComponent(id)}&limit=5`);
      const task = body.find((t) => t.id === id);
      return task && statuses.includes(task.status) && extra(task) ? task : undefined;
    },
    timeoutMs,
  );
}

/** A shell loop printing timestamped log lines and `PROGRESS` lines over `steps × pause` seconds. */
function progressLoop(what: string, steps: number, pause: number, line: string): string {
  return (
    `echo "$(date +%T) INFO starting: ${what}"; ` +
    `for i in $(seq 1 ${steps}); do echo "$(date +%T) INFO ${line}"; echo "PROGRESS $((i*100/${steps})) ${what} $i/${steps}"; sleep ${pause}; done; ` +
    `echo "$(date +%T) INFO done: ${what}"`
  );
}

/** The long command of the task page: a few log lines and a `PROGRESS` line per shard. */
const REBUILD_SHARDS = `#!/bin/sh
shards=\${1:-64}
echo "$(date +%T) INFO loading shard manifest: $shards shards, 1.4M documents"
i=1
while [ $i -le $shards ]; do
  echo "$(date +%T) INFO shard $i/$shards: fetched segment ($((30 + i % 9)) MB)"
  echo "$(date +%T) INFO shard $i/$shards: indexed $((i * 2113 + 517)) documents"
  if [ $i -eq 7 ]; then echo "$(date +%T) WARN shard 7: merge took 2.4 s, over the 2 s budget" >&2; fi
  echo "PROGRESS $((i * 100 / shards)) shard $i/$shards"
  i=$((i + 1))
  sleep 4
done
echo "$(date +%T) INFO all $shards shards rebuilt"
`;

async function seed(mediaDir: string): Promise<{ taskPage: string; pipeline: string; running: string[]; count: number }> {
  const ids: string[] = [];
  const start = async (body: Record<string, unknown>): Promise<string> => {
    const task = await post<TaskRecord>('/tasks', body);
    ids.push(task.id);
    return task.id;
  };

  // A dataset made from a folder of PNGs, then its enrichment.
  const colours: [number, number, number][] = [
    [200, 40, 40], [40, 160, 60], [40, 70, 200], [220, 180, 40], [140, 60, 170], [30, 170, 170],
  ];
  const media = folderWith(join(mediaDir, 'birds'), Object.fromEntries(
    colours.flatMap((c, i) => [[`bird-${i}a.png`, pngImage(c, 0, 64)], [`bird-${i}b.png`, pngImage(c, 3, 64, true)]]),
  ));
  const creation = await start({ type: 'dataset_creation', name: 'Import bird photos', dataset: 'Birds', dataset_id: 'birds', user: 'ada', input: { folder: media } });

  // The pipeline of the graph: the invoice is generated, then mailed and archived.
  const pipeline = await post<PipelineDetail>('/pipelines', {
    name: 'nightly invoices',
    tag: 'billing',
    tasks: [
      { key: 'generate', type: 'command', name: 'Generate_Invoice', user: 'olga', input: { command: progressLoop('invoices', 8, 1, 'rendered invoice batch $i') } },
      { key: 'send', type: 'command', name: 'Send_Email_Invoice', user: 'olga', depends_on: ['generate'], input: { command: progressLoop('emails', 90, 3, 'sent invoice mails, batch $i') } },
      { key: 'archive', type: 'command', name: 'Archive_Invoice_PDFs', user: 'olga', depends_on: ['generate'], input: { command: progressLoop('archive', 4, 1, 'archived batch $i to s3://invoices/2026') } },
    ],
  });
  const byKey = Object.fromEntries(pipeline.tasks.map((t) => [t.key, t.id]));
  ids.push(...Object.values(byKey));

  // Command tasks: one finished, one still running with a long log (the task page), one failing.
  const exported = await start({
    type: 'command', name: 'nightly export', tag: 'exports', dataset: 'Birds', user: 'ada',
    input: { command: progressLoop('export', 10, 1, 'exported part $i of birds.parquet'), cwd: '/tmp', env: { MODE: 'fast' }, timeout_seconds: 600 },
  });
  const search = folderWith(join(mediaDir, 'search'), { 'rebuild_shards.sh': REBUILD_SHARDS });
  const shards = await start({
    type: 'command', name: 'rebuild search shards', tag: 'search', user: 'olga',
    input: { command: 'sh rebuild_shards.sh 64', cwd: search, timeout_seconds: 3600 },
  });
  const warm = await start({
    type: 'command', name: 'warm cache', tag: 'search', user: 'bob',
    input: { command: 'echo "connecting to cache-03:6379"; sleep 2; echo "error: connection refused (cache-03:6379)" >&2; exit 3' },
  });

  // A batch: the same sync on three hosts, one of which is unreachable.
  const sync = (host: string, ok: boolean) => ({
    type: 'command', name: `sync ${host}`, tag: 'sync', user: 'ada',
    input: {
      command: ok
        ? progressLoop(`sync ${host}`, 5, 1, 'copied shard $i')
        : `echo "rsync to ${host}"; sleep 3; echo "rsync: connection to ${host}.internal failed: No route to host (113)" >&2; exit 12`,
      env: { HOST: host },
    },
  });
  const batch = await post<{ id: string; tasks: TaskRecord[] }>('/batches', { name: 'nightly sync', tasks: [sync('alpha', true), sync('beta', false), sync('gamma', true)] });
  ids.push(...batch.tasks.map((t) => t.id));

  // Settle: the short tasks end, the long ones run with some progress.
  await settled(creation, ['completed']);
  const enrichment = await start({ type: 'enrichment', name: 'Hash and colour birds', dataset: 'Birds', dataset_id: 'birds', user: 'ada', input: {} });
  await Promise.all([
    settled(enrichment, ['completed']),
    settled(byKey.generate, ['completed']),
    settled(byKey.archive, ['completed']),
    settled(exported, ['completed']),
    settled(warm, ['failed']),
    ...batch.tasks.map((t) => settled(t.id, ['completed', 'failed'])),
    settled(byKey.send, ['running'], (t) => t.progress >= 5),
    settled(shards, ['running'], (t) => t.progress >= 15),
  ]);
  return { taskPage: shards, pipeline: pipeline.id, running: [shards, byKey.send], count: ids.length };
}

async function shoot(page: Page, name: string): Promise<void> {
  // Let the last live updates and the fit-view animation land.
  await page.waitForTimeout(1500);
  await page.screenshot({ path: join(OUT, `${name}.png`), fullPage: true });
  console.log(`wrote docs/images/${name}.png`);
}

async function main(): Promise<void> {
  if (!existsSync(join(ROOT, 'web', 'dist', 'index.html'))) {
    console.log('building the web app (npm run build)');
    const built = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('npm run build failed');
  }
  mkdirSync(OUT, { recursive: true });

  console.log('starting a stack');
  const stack: Stack = await startStack('tour', 'taskdeck-tour');
  base = stack.apiUrl;
  const session = await openBrowser(base, VIEWPORT);
  const mediaDir = tempDir('tour-media');
  let running: string[] = [];
  try {
    console.log('seeding tasks');
    const seeded = await seed(mediaDir);
    running = seeded.running;
    const { page } = session;

    await page.goto('/ui/');
    await page.locator('.connection[data-state="live"]').waitFor();
    await waitFor('every task in the table', async () => (await page.locator('tbody tr').count()) === seeded.count, 30_000);
    await shoot(page, 'table');

    await page.goto(`/ui/tasks/${seeded.taskPage}`);
    await page.locator('.timeline').waitFor();
    await waitFor('log lines', async () => (await page.locator('.log-lines .log-text').count()) >= 10, 30_000);
    await shoot(page, 'task');

    await page.goto(`/ui/graph?pipeline=${encodeURIComponent(seeded.pipeline)}`);
    await waitFor('the pipeline drawn', async () => (await page.locator('.react-flow__node').count()) === 3, 30_000);
    await page.getByTestId('graph-summary').waitFor();
    await shoot(page, 'graph');

    if (session.errors.length > 0) throw new Error(`the pages logged errors:\n${session.errors.join('\n')}`);
  } finally {
    await session.close();
    // Running commands are processes of the worker's host: abort them before the stack goes.
    await Promise.all(running.map((id) => api(`/tasks/${id}/abort`, {}).catch(() => undefined)));
    await Promise.all(running.map((id) => settled(id, ['aborted'], undefined, 30_000).catch(() => undefined)));
    await stack.stop();
    removeDir(mediaDir);
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
