import { beforeAll, describe, expect, inject, it } from 'vitest';
import { startTaskVia, uniqueTag, waitFor, type Task } from '../integration/helpers';
import { listedStates, logLines, runningOn, waitAllCompleted } from './helpers';

const apiUrls = inject('apiUrls');
const TASKS = 8;
const tag = uniqueTag('spread');
const tasks: Task[] = [];
/** Task id -> identity of the worker that ran it. */
const ranOn = new Map<string, string>();

/** Tasks started through both APIs, each running long enough to be seen on its worker. */
beforeAll(async () => {
  const started = await Promise.all(
    Array.from({ length: TASKS }, (_, i) =>
      startTaskVia(apiUrls[i % 2], { tag, name: `spread ${i}`, input: { command: `echo "hello from task ${i}"; sleep 4; echo "bye from task ${i}" >&2` } }),
    ),
  );
  tasks.push(...started);
  await Promise.all(tasks.map(async (task, i) => ranOn.set(task.id, await runningOn(apiUrls[(i + 1) % 2], task.id))));
  await waitAllCompleted(apiUrls[0], tasks.map((t) => t.id));
});

describe('two workers and two APIs on one Temporal cluster', () => {
  it('spreads the tasks over both workers', () => {
    expect(new Set(ranOn.values())).toEqual(new Set(inject('workerIdentities')));
  });

  it('lists the same tasks in the same states through both APIs', async () => {
    const expected = tasks.map((t) => `${t.id} completed`).sort();
    // Each API has its own visibility poller; give the slower one its next poll.
    for (const base of apiUrls) await waitFor(`${base} to list every task completed`, async () => ((await listedStates(base, tag)).join() === expected.join() ? true : undefined));
  });

  it('serves the logs of tasks from either worker through either API (one shared data folder)', async () => {
    for (const [i, task] of tasks.entries()) {
      for (const base of apiUrls) {
        expect(await logLines(base, task.id, 'stdout'), `${task.id} via ${base} (ran on ${ranOn.get(task.id)})`).toEqual([`hello from task ${i}`]);
        expect(await logLines(base, task.id, 'stderr')).toEqual([`bye from task ${i}`]);
      }
    }
  });
});
