import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { NodeInfo } from '../../core/contract';
import { folderWith, pngImage } from '../support/fixtures';
import { removeDir, tempDir } from '../support/stack';
import { api, startTask, temporalClient, waitFor, waitForStatus, type Task } from './helpers';

let work: string;
beforeAll(() => {
  work = tempDir('gpu');
});
afterAll(() => removeDir(work));

describe('GPU-bound task types', () => {
  it('run one at a time; the waiting ones show pending with their place in line and no duration', async () => {
    const id = `gpu-${Math.random().toString(36).slice(2, 8)}`;
    const created = await startTask({ type: 'dataset_creation', dataset_id: id, input: { folder: folderWith(join(work, 'media'), { 'a.png': pngImage([100, 100, 100]) }) } });
    expect((await waitForStatus(created.id, ['completed', 'failed'])).status).toBe('completed');

    const trace = join(work, 'trace.log');
    // Each command logs when it holds the GPU; overlapping runs would interleave start/end lines.
    const command = (name: string, seconds = 2): string =>
      `echo "start ${name}" >> ${trace}; for i in $(seq 1 ${seconds}); do echo "PROGRESS $((i*100/${seconds})) step $i"; sleep 1; done; echo "end ${name}" >> ${trace}`;
    // The first holds the GPU until the others were seen waiting (its gate opens), for at most a
    // minute: should this test fail, the GPU-bound tasks of the other files still get the GPU.
    const gate = join(work, 'gate');
    const first = await startTask({ type: 'training', dataset_id: id, input: { command: `for i in $(seq 1 300); do [ -f ${gate} ] && break; sleep 0.2; done; ${command('first')}` } });
    await waitForStatus(first.id, ['running']);
    const second = await startTask({ type: 'model_training', dataset_id: id, input: { command: command('second') } });
    const third = await startTask({ type: 'training', dataset_id: id, input: { command: command('third') } });

    // Other test files start GPU-bound creations too, so the line may be longer than these three.
    const ahead = (row: Task): number | undefined => {
      const match = /^Waiting for the GPU, (\d+) ahead$/.exec(row.message ?? '');
      return match ? Number(match[1]) : undefined;
    };
    const [waitingSecond, waitingThird] = await waitFor('both waiting tasks to see their place in line', async () => {
      const rows = await Promise.all([second, third].map(async (t) => (await api<Task>(`/tasks/${t.id}`)).body));
      const [a, b] = rows.map(ahead);
      // First come, first served: whichever of the two reached the GPU queue first is ahead.
      return a !== undefined && b !== undefined && Math.min(a, b) >= 1 && a !== b ? rows : undefined;
    }, 90_000);
    for (const row of [waitingSecond, waitingThird]) {
      expect(row).toMatchObject({ status: 'pending', task_status: 'Q', started_at: null, duration_ms: null });
    }

    // Abort works while pending: the task ends aborted without ever processing, and the line moves up.
    expect((await api(`/tasks/${third.id}/abort`, { method: 'POST' })).status).toBe(202);
    const aborted = await waitForStatus(third.id, ['aborted']);
    expect(aborted.started_at).toBeNull();
    writeFileSync(gate, '');

    const done = await waitForStatus(second.id, ['completed', 'failed'], 60_000);
    expect(done.status, done.error ?? '').toBe('completed');
    expect((await waitForStatus(first.id, ['completed'])).status).toBe('completed');
    expect(readFileSync(trace, 'utf8').trim().split('\n')).toEqual(['start first', 'end first', 'start second', 'end second']);
    // Its duration counts from when it got the GPU, not from when it was started.
    expect(Date.parse(done.started_at!)).toBeGreaterThan(Date.parse(done.created_at) + 1500);
  });

  it('refuse a target node even when started past the API, and leave the GPU to the others', async () => {
    const folder = folderWith(join(work, 'targeted'), { 'a.png': pngImage([10, 200, 10]) });
    const live = await waitFor('a live node', async () => (await api<NodeInfo[]>('/nodes')).body.find((n) => n.alive), 120_000);
    // The API refuses this task (400 naming target_node); the Temporal CLI or any client can still start it.
    const temporal = await temporalClient();
    const targeted = temporal.client.workflow.getHandle(`dataset_creation-${randomUUID()}`);
    try {
      await temporal.client.workflow.start('dataset_creation', {
        taskQueue: inject('taskQueue'),
        workflowId: targeted.workflowId,
        args: [{ input: { folder }, dataset_id: `gpu-targeted-${randomUUID().slice(0, 8)}`, target_node: live.name }],
      });
      const other = await startTask({ type: 'dataset_creation', dataset_id: `gpu-after-${randomUUID().slice(0, 8)}`, input: { folder } });

      // Refused as the allocator reads the request, not once the GPU is free: it never waits in line.
      const refused = await waitForStatus(targeted.workflowId, ['failed', 'completed'], 60_000);
      expect(refused).toMatchObject({ status: 'failed', started_at: null, node: null });
      expect(refused.error).toBe("The GPU slot was refused: target_node: a GPU-bound task waits for the cluster's one GPU slot, which no node holds; it cannot be given a target node");
      const done = await waitForStatus(other.id, ['completed', 'failed'], 90_000);
      expect(done.status, done.error ?? '').toBe('completed');
    } finally {
      // Should it not be refused, it must not keep the GPU from the other files' tasks.
      await targeted.cancel().catch(() => undefined);
      await temporal.close();
    }
  }, 180_000);
});
