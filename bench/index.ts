import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { PROCESS_ENV } from '../runtime/processEnv';
import { ROOT } from '../test/support/stack';
import { round, target } from './stats';

/** The window sizes measured side by side, each in a process of its own (bench/indexScale.ts). */
const SIZES = [10_000, 100_000, 1_000_000];
/** Seconds the stack's API is watched idle, for its visibility calls per second. */
const IDLE_SECONDS = 30;

type Scale = {
  tasks: number;
  rss_mb: number;
  list_ms: Record<string, number>;
  sort_ms: Record<string, number>;
  count_ms: number;
  graph_batch_of_100_ms: number;
  snapshot: { restart_process_ready_ms: number; restart_memory: { rss_mb: number } };
  repair: { calls_per_second: number };
};

/**
 * The task index at 10,000, 100,000 and 1,000,000 tasks: memory, lists, sorts, counts, a batch's
 * graph, a restart from the snapshot and a repair, side by side so the growth shows; with the
 * list against the raw visibility list at 10,000 (the `list` figure, on the stack) and the stack's
 * visibility calls per second while idle.
 */
export async function indexFigures(list: object, apiVisibilityCalls: () => Promise<number>) {
  const before = await apiVisibilityCalls();
  await new Promise((r) => setTimeout(r, IDLE_SECONDS * 1000));
  const idleCallsPerSecond = ((await apiVisibilityCalls()) - before) / IDLE_SECONDS;
  const scales: Record<string, Scale> = {};
  for (const size of SIZES) {
    const output = execFileSync(process.execPath, ['--expose-gc', '--heap-growing-percent=30', '--import', 'tsx', resolve(ROOT, 'bench/indexScale.ts'), String(size)], {
      cwd: ROOT,
      env: { ...PROCESS_ENV, ...process.env },
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    scales[size] = JSON.parse(output) as Scale;
  }
  const largest = scales[SIZES[SIZES.length - 1]];
  const worstSort = Math.max(...Object.values(largest.sort_ms));
  return {
    what: `the API's task index at ${SIZES.join(', ')} synthetic tasks (rows made through executionInfoFromRaw and toTaskRecord, loaded by the real TaskIndex; p50 of 21 in-process calls)`,
    list_against_raw_visibility_at_10k: list,
    stack_visibility_calls_per_second_idle: target(idleCallsPerSecond, 2, 'max'),
    targets_at_1m: {
      rss_mb: target(largest.rss_mb, 500, 'max'),
      default_list_ms: target(largest.list_ms.default, 20, 'max'),
      // The slowest of the filtered lists (type and status, tag, batch, user and status in 24 h, name search).
      filtered_list_ms: target(Math.max(...Object.entries(largest.list_ms).filter(([name]) => name.startsWith('filtered') || name === 'search_q').map(([, ms]) => ms)), 20, 'max'),
      worst_sort_ms: target(worstSort, 100, 'max'),
      restart_ready_ms: target(largest.snapshot.restart_process_ready_ms, 30_000, 'max'),
      restart_rss_mb: target(largest.snapshot.restart_memory.rss_mb, 500, 'max'),
      repair_visibility_calls_per_second: target(largest.repair.calls_per_second, 2, 'max'),
      graph_batch_of_100_ms_growth_10k_to_1m: round(largest.graph_batch_of_100_ms / scales[SIZES[0]].graph_batch_of_100_ms),
    },
    scales,
  };
}
