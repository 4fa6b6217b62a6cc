import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { Client } from '@temporalio/client';
import { SA } from '../../core';
import type { health as healthSchema } from '../../core/contract';
import { removeDir, tempDir } from '../support/stack';
import { api, startExtraApi, temporalClient, uniqueTag, waitFor } from './helpers';

/** More tasks in the window than one repair lists, so a repair that listed them all would show. */
const FILLERS = 250;

/**
 * What no delta poll sees: a workflow deleted from Temporal. The API's periodic count finds that
 * the window holds one task less and halves the window until the range that differs is small; a
 * restart loads the snapshot and lists only what changed since, and the same check finds what was
 * deleted while it was down.
 */
describe('the task index repairs what its polls cannot see', () => {
  let client: Client;
  let close: () => Promise<void>;
  const tag = uniqueTag('repair');
  const ids: string[] = [];
  const fillers: string[] = [];
  let dataDir: string;

  beforeAll(async () => {
    ({ client, close } = await temporalClient());
    dataDir = tempDir('index-repair');
    // On a queue no worker polls: they stay in the window as they are, started the way any client starts tasks.
    const start = (workflowId: string, taskTag?: string) =>
      client.workflow.start('command', {
        taskQueue: uniqueTag('nobody'),
        workflowId,
        args: [{ input: { command: 'true' } }],
        typedSearchAttributes: [{ key: SA.type, value: 'command' }, ...(taskTag ? [{ key: SA.tag, value: taskTag }] : [])],
      });
    for (let i = 0; i < 4; i++) ids.push((await start(uniqueTag('repaired'), tag)).workflowId);
    for (let i = 0; i < FILLERS; i += 25) fillers.push(...(await Promise.all(Array.from({ length: 25 }, async () => (await start(uniqueTag('filler'))).workflowId))));
  });

  afterAll(async () => {
    // Leave no open workflow behind for the other tests' lists.
    const all = [...ids, ...fillers];
    for (let i = 0; i < all.length; i += 25) await Promise.all(all.slice(i, i + 25).map((id) => deleteWorkflow(id).catch(() => undefined)));
    await close();
    removeDir(dataDir);
  });

  const deleteWorkflow = (workflowId: string) =>
    client.workflowService.deleteWorkflowExecution({ namespace: 'default', workflowExecution: { workflowId } });
  const listedIds = async (base: string) => (await api<{ id: string }[]>(`/tasks?tag=${tag}&limit=100`, { base })).body.map((t) => t.id).sort();
  const health = async (base: string) => (await api<z.infer<typeof healthSchema>>('/healthz', { base })).body.index;

  it('drops a deleted workflow without listing the window again, and after a restart from its snapshot', async () => {
    // Checks every second, its snapshot in a folder of its own.
    const env = { TASKDECK_CHECK_MS: '1000', TASKDECK_DATA: dataDir };
    const first = await startExtraApi(env);
    try {
      await waitFor('the four tasks', async () => (await listedIds(first.base)).length === 4);
      await deleteWorkflow(ids[0]);
      // A check counts only tasks started more than 15 s ago: visibility may not show younger ones yet.
      await waitFor('the deleted task to leave the list', async () => !(await listedIds(first.base)).includes(ids[0]), 90_000);
      const stats = await health(first.base);
      expect(stats.repairs).toBeGreaterThanOrEqual(1);
      expect(stats.snapshotRows).toBeNull();
      // The repair listed a small range around the deleted task, not the window.
      expect(stats.tasks).toBeGreaterThan(FILLERS);
      expect(stats.repairListedRows).toBeLessThan(stats.tasks / 2);
    } finally {
      await first.stop();
    }

    // Deleted while no API runs: the restarted one loads its snapshot, then the check finds it.
    await deleteWorkflow(ids[1]);
    const second = await startExtraApi(env);
    try {
      const stats = await health(second.base);
      expect(stats.snapshotRows).toBeGreaterThan(FILLERS);
      await waitFor('the task deleted meanwhile to leave the list', async () => !(await listedIds(second.base)).includes(ids[1]), 90_000);
      expect(await listedIds(second.base)).toEqual(ids.slice(2).sort());
    } finally {
      await second.stop();
    }
  }, 240_000);
});
