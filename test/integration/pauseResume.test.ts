import { statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { logFilePath } from '../../core';
import { fixtureServer, pngImage } from '../support/fixtures';
import { api, startTask, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

interface Detail extends Task {
  timeline: { status: string; at: string }[];
  paused_ms: number;
  paused_at: string | null;
}

const stdoutSize = (id: string): number => {
  try {
    return statSync(join(inject('dataDir'), 'logs', logFilePath(id, 'stdout'))).size;
  } catch {
    return 0;
  }
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('pause, resume and kill', () => {
  it('stops a command within 2 s of pausing (its output stops growing), resumes it where it stopped, and completes', async () => {
    // 60 lines, one every 0.2 s, each a progress report: about 12 s of work.
    const task = await startTask({
      tag: uniqueTag('pause'),
      input: { command: 'for i in $(seq 1 60); do echo "PROGRESS $((i*100/60)) line $i"; sleep 0.2; done' },
    });
    await waitFor('output and progress', async () => {
      const { body } = await api<Task>(`/tasks/${task.id}`);
      return body.status === 'running' && body.progress >= 10 && stdoutSize(task.id) > 0;
    });

    const paused = await api<Task>(`/tasks/${task.id}/pause`, { method: 'POST' });
    expect(paused.status).toBe(200);
    expect(paused.body.status).toBe('paused');
    const progressAtPause = (await api<Task>(`/tasks/${task.id}`)).body.progress;

    // Within 2 s the process group is stopped: from then on the log does not grow for 2 s.
    await sleep(2000);
    const frozen = stdoutSize(task.id);
    await sleep(2000);
    expect(stdoutSize(task.id)).toBe(frozen);
    const whilePaused = (await api<Detail>(`/tasks/${task.id}`)).body;
    expect(whilePaused.status).toBe('paused');
    expect(whilePaused.progress).toBeGreaterThanOrEqual(progressAtPause);
    expect(whilePaused.paused_at).not.toBeNull();
    // A paused task's duration stands still.
    const durationBefore = whilePaused.duration_ms!;
    await sleep(500);
    expect((await api<Task>(`/tasks/${task.id}`)).body.duration_ms).toBe(durationBefore);

    // Pausing twice is refused by the workflow's validator, with its reason.
    const again = await api<{ error: string }>(`/tasks/${task.id}/pause`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatch(/paused/);

    const resumed = await api<Task>(`/tasks/${task.id}/resume`, { method: 'POST' });
    expect(resumed.status).toBe(200);
    expect(resumed.body.status).toBe('running');
    await waitFor('the log to grow again', async () => stdoutSize(task.id) > frozen, 10_000);

    // Progress never goes back while it continues.
    let last = whilePaused.progress;
    const done = await waitFor('completion', async () => {
      const { body } = await api<Task>(`/tasks/${task.id}`);
      expect(body.progress).toBeGreaterThanOrEqual(last);
      last = body.progress;
      return body.status === 'completed' ? body : undefined;
    }, 60_000);
    const detail = (await api<Detail>(`/tasks/${task.id}`)).body;
    expect(detail.timeline.map((t) => t.status)).toEqual(['pending', 'initializing', 'running', 'paused', 'running', 'completed']);
    // The line numbers are continuous: the command went on where it stopped, it did not start over.
    const log = (await api<{ lines: string[] }>(`/tasks/${task.id}/logs?stream=stdout`)).body.lines;
    expect(log).toHaveLength(60);
    expect(log[59]).toBe('PROGRESS 100 line 60');
    // The pause (over 4 s) is left out of the duration.
    expect(detail.paused_ms).toBeGreaterThanOrEqual(4000);
    expect(done.duration_ms!).toBeLessThanOrEqual(Date.parse(done.end_date!) - Date.parse(done.started_at!) - 4000);
  });

  it('kills a paused command (kill is abort), and refuses to pause or resume what it cannot', async () => {
    const task = await startTask({ tag: uniqueTag('kill'), input: { command: 'sleep 60' } });
    await waitForStatus(task.id, ['running']);
    expect((await api(`/tasks/${task.id}/resume`, { method: 'POST' })).status).toBe(409);
    expect((await api(`/tasks/${task.id}/pause`, { method: 'POST' })).status).toBe(200);
    const killed = await api<Task & { abort_requested: boolean }>(`/tasks/${task.id}/kill`, { method: 'POST' });
    expect(killed.status).toBe(202);
    expect(killed.body.abort_requested).toBe(true);
    await waitForStatus(task.id, ['aborted'], 20_000);
    expect((await api(`/tasks/${task.id}/pause`, { method: 'POST' })).status).toBe(409);
    expect((await api(`/tasks/no-such-task/pause`, { method: 'POST' })).status).toBe(404);
  });

  it('pauses a store task at its next step and resumes it to completion', async () => {
    // Eight downloads of a second each: the pause lands well before the last one, even on a busy machine.
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    const server = await fixtureServer(Object.fromEntries(names.map((n, i) => [`${n}.png`, pngImage([250 - i * 25, 20 + i * 25, 20], i + 1)])), 1000);
    try {
      const id = `paused-${Math.random().toString(36).slice(2, 8)}`;
      const task = await startTask({
        type: 'dataset_creation',
        dataset_id: id,
        tag: uniqueTag('pause-store'),
        input: { urls: names.map((n) => `${server.url}/slow/${n}.png`) },
      });
      await waitFor('the first download', async () => {
        const { body } = await api<Task>(`/tasks/${task.id}`);
        return body.status === 'initializing' && body.progress >= 12;
      });
      expect((await api(`/tasks/${task.id}/pause`, { method: 'POST' })).status).toBe(200);
      // The download under way finishes, then the job waits at its step.
      await sleep(2000);
      const atStep = (await api<Task>(`/tasks/${task.id}`)).body;
      await sleep(2500);
      const later = (await api<Task>(`/tasks/${task.id}`)).body;
      expect(later).toMatchObject({ status: 'paused', progress: atStep.progress });
      expect(later.progress).toBeLessThan(100);

      expect((await api(`/tasks/${task.id}/resume`, { method: 'POST' })).status).toBe(200);
      const done = await waitForStatus(task.id, ['completed', 'failed'], 60_000);
      expect(done.status).toBe('completed');
      const detail = (await api<Detail>(`/tasks/${task.id}`)).body;
      expect(detail.timeline.map((t) => t.status)).toEqual(['pending', 'initializing', 'paused', 'initializing', 'running', 'completed']);
    } finally {
      await server.close();
    }
  });
});
