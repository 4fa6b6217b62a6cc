import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { TaskIndex } from '../../api/taskIndex';

describe("the task index's visibility calls", () => {
  it('counts the calls of a repair apart, among all of them', async () => {
    const calls: string[] = [];
    // Visibility counts one task in the window the index does not know (say it showed late); listing that range finds nothing new.
    const client = {
      workflow: {
        count: async () => (calls.push('count'), { count: 1 }),
        list: async function* () {
          calls.push('list');
          yield* [];
        },
      },
    } as unknown as Client;
    const index = new TaskIndex(client, { pollMs: 3600_000, checkMs: 24 * 3600_000 });
    index.start();
    await index.whenReady();
    const before = { ...index.stats };
    calls.length = 0;

    await index.checkWindow(Date.now());

    // The check's count, then the repair's list of the range that differs.
    expect(calls).toEqual(['count', 'list']);
    expect(index.stats.visibilityCalls - before.visibilityCalls).toBe(2);
    expect(index.stats.checks - before.checks).toBe(1);
    expect(index.stats.repairs - before.repairs).toBe(1);
    expect(index.stats.repairVisibilityCalls - before.repairVisibilityCalls).toBe(1);
    await index.stop();
  });
});
