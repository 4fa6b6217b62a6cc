import { describe, expect, inject, it } from 'vitest';
import { api, startTaskVia, temporalClient, uniqueTag, waitFor, type Task } from '../integration/helpers';
import { listedStates, logLines, runningOn, waitAllCompleted } from './helpers';

// This file runs last (see vitest.cluster.config.mts): what it kills stays dead.
const [firstApi, secondApi] = inject('apiUrls');
const identities = inject('workerIdentities');

const ATTEMPT_2 = '--- taskdeck: attempt 2, the previous attempt was interrupted ---';

/** Identities of the workers that started the task's activity attempts after the first. */
async function retriedOn(id: string): Promise<string[]> {
  const { client, close } = await temporalClient();
  try {
    const history = await client.workflow.getHandle(id).fetchHistory();
    return (history.events ?? [])
      .map((event) => event.activityTaskStartedEventAttributes)
      .filter((started) => (started?.attempt ?? 1) > 1)
      .map((started) => started!.identity ?? '');
  } finally {
    await close();
  }
}

describe('losing a worker or an API', () => {
  it('kill -9 of a worker with tasks in flight: every task completes once, the lost ones on the other worker', async () => {
    const tag = uniqueTag('killworker');
    const tasks = await Promise.all(
      Array.from({ length: 6 }, (_, i) => startTaskVia(firstApi, { tag, input: { command: `echo "start ${i}"; sleep 8; echo "end ${i}"` } })),
    );
    const ranOn = await Promise.all(tasks.map((t) => runningOn(firstApi, t.id)));
    // The victim is a worker with commands running on it right now.
    const victim = identities.indexOf(ranOn[0]);
    const survivor = identities[1 - victim];
    const lost = tasks.filter((_, i) => ranOn[i] === identities[victim]);

    process.kill(inject('workerPids')[victim], 'SIGKILL');
    // The heartbeat timeout (15 s) notices the lost worker; the command runs again from the start.
    await waitAllCompleted(firstApi, tasks.map((t) => t.id), 120_000);

    for (const task of lost) {
      expect(await retriedOn(task.id), task.id).toEqual([survivor]);
      const i = tasks.indexOf(task);
      // The survivor ended the orphaned first attempt before running it again: one end line.
      expect(await logLines(firstApi, task.id, 'stdout')).toEqual([`start ${i}`, ATTEMPT_2, `start ${i}`, `end ${i}`]);
    }
    for (const task of tasks.filter((t) => !lost.includes(t))) expect(await retriedOn(task.id)).toEqual([]);
  });

  it('kill -9 of an API: the other still lists, shows and logs every task, and starts new ones', async () => {
    const tag = uniqueTag('killapi');
    const viaSecond = await Promise.all([0, 1, 2].map((i) => startTaskVia(secondApi, { tag, input: { command: `echo "via second ${i}"` } })));
    await waitAllCompleted(secondApi, viaSecond.map((t) => t.id));
    const before = await api<Task[]>('/tasks?limit=1', { base: secondApi });
    const total = Number(before.headers.get('x-total-count'));

    process.kill(inject('apiPids')[1], 'SIGKILL');
    await expect(fetch(`${secondApi}/healthz`)).rejects.toThrow();

    // The first API learns of the second's tasks from visibility, within a poll or two.
    await waitFor(`the first API to count the ${total} tasks the second listed`, async () => {
      const after = await api<Task[]>('/tasks?limit=1', { base: firstApi });
      return Number(after.headers.get('x-total-count')) >= total || undefined;
    }, 15_000);
    const expected = viaSecond.map((t) => `${t.id} completed`).sort().join();
    await waitFor('the first API to list the tasks started through the second', async () => ((await listedStates(firstApi, tag)).join() === expected ? true : undefined), 15_000);
    for (const [i, task] of viaSecond.entries()) {
      expect((await api<Task>(`/tasks/${task.id}`, { base: firstApi })).body.status).toBe('completed');
      expect(await logLines(firstApi, task.id, 'stdout')).toEqual([`via second ${i}`]);
    }

    const next = await startTaskVia(firstApi, { tag, input: { command: 'echo after the loss' } });
    await waitAllCompleted(firstApi, [next.id]);
    await waitFor('the new task in the list', async () => ((await listedStates(firstApi, tag)).length === viaSecond.length + 1 ? true : undefined));
  });
});
