import type { Client } from '@temporalio/client';
import type { SearchAttributePair } from '@temporalio/common';
import { SA } from '../../core';

/**
 * Big graphs made of real tasks, fast: each task is started straight on a queue no worker polls,
 * so it stays as seeded (its status in its search attributes, `depends_on` in its memo, as a task
 * started with depends_on has) and is listed, indexed and served by `GET /graph` like any other.
 * Early tasks are seeded completed, a band running with a few failed, the rest pending.
 * Shared by the browser test of a 10,000-task batch and the bench's graph figures.
 */
export async function seedGraph(client: Client, taskQueue: string, batch: string, dependsOn: readonly (readonly number[])[], concurrency = 32): Promise<void> {
  const n = dependsOn.length;
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < n) {
      const i = next++;
      const status = seededStatus(i, n);
      const now = Date.now();
      const attributes: SearchAttributePair[] = [
        { key: SA.type, value: 'command' },
        { key: SA.status, value: status },
        { key: SA.progress, value: status === 'completed' ? 100 : status === 'running' ? 50 : 0 },
        { key: SA.updatedAt, value: new Date(now) },
        { key: SA.batch, value: batch },
        ...(status === 'pending' ? [] : [{ key: SA.startedAt, value: new Date(now - ((i % 13) + 1) * 60_000) }]),
      ];
      await client.workflow.start('command', {
        taskQueue,
        workflowId: `${batch}-${i}`,
        args: [{ input: { command: 'true' }, name: `step ${i}`, batch_id: batch }],
        typedSearchAttributes: attributes,
        memo: { name: `step ${i}`, depends_on: dependsOn[i].map((j) => `${batch}-${j}`), ...(status === 'failed' ? { error: 'exit code 1' } : {}) },
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

export function seededStatus(i: number, n: number): 'completed' | 'running' | 'failed' | 'pending' {
  const at = i / n;
  if (at < 0.3) return 'completed';
  if (at < 0.36) return i % 17 === 0 ? 'failed' : 'running';
  return 'pending';
}

/** Until `GET /graph?batch=` serves all `n` tasks of the batch (counted through the cheap list first). */
export async function waitForGraph(apiUrl: string, batch: string, n: number, timeoutMs = 10 * 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const query = encodeURIComponent(batch);
  for (;;) {
    const listed = await fetch(`${apiUrl}/tasks?batch=${query}&limit=1`);
    if (listed.ok && Number(listed.headers.get('X-Total-Count')) >= n) {
      const res = await fetch(`${apiUrl}/graph?batch=${query}`);
      if (res.ok && ((await res.json()) as { nodes: unknown[] }).nodes.length >= n) return;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the ${n}-task graph ${batch}`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Terminates the seeded tasks of a batch (one batch operation), so they stop counting as running. */
export async function endSeededGraph(client: Client, batch: string): Promise<void> {
  await client.workflowService.startBatchOperation({
    namespace: client.options.namespace,
    jobId: `end-${batch}`,
    reason: 'seeded graph no longer needed',
    visibilityQuery: `${SA.batch.name} = '${batch}' AND ExecutionStatus = 'Running'`,
    terminationOperation: { identity: 'taskdeck-tests' },
  });
}
