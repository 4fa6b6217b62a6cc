import { describe, expect, it } from 'vitest';
import { takeEvents, type SseEvent } from '../support/sse';
import { api, apiUrl, startExtraApi, startTask, startTaskVia, uniqueTag, waitFor, waitForStatus } from './helpers';

/** A minimal server-sent events reader over fetch, as a browser's EventSource would see them. */
async function openEvents(path: string, headers: Record<string, string> = {}, base = apiUrl()) {
  const controller = new AbortController();
  const res = await fetch(`${base}${path}`, { signal: controller.signal, headers });
  expect(res.headers.get('content-type')).toContain('text/event-stream');
  const events: SseEvent[] = [];
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const pump = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        const taken = takeEvents(buffer + value);
        buffer = taken.rest;
        events.push(...taken.events);
      }
    } catch {
      // aborted by close()
    }
  })();
  return {
    events,
    close: async () => {
      controller.abort();
      await pump;
    },
  };
}

interface Health {
  index: { visibilityCalls: number; polls: number; checks: number; repairVisibilityCalls: number };
  event_clients: number;
}

describe('GET /events', () => {
  it('streams a task through its lifecycle to completion', async () => {
    const stream = await openEvents('/events');
    try {
      const task = await startTask({ tag: uniqueTag('events'), input: { command: 'echo PROGRESS 50; sleep 1.5; echo PROGRESS 90; sleep 1' } });
      const statuses = await waitFor('a completed event', async () => {
        const mine = stream.events.filter((e) => e.event === 'task').map((e) => JSON.parse(e.data)).filter((t) => t.id === task.id);
        return mine.some((t) => t.status === 'completed') ? mine : undefined;
      });
      expect(statuses[0].status).toBe('pending');
      expect(statuses.map((t) => t.status)).toContain('running');
      expect(statuses.some((t) => t.status === 'running' && t.progress >= 50)).toBe(true);
      expect(statuses.at(-1)).toMatchObject({ status: 'completed', progress: 100, task_status: 'D' });
    } finally {
      await stream.close();
    }
  });

  it('feeds every client from one shared poller: 25 listeners cost no more visibility calls', async () => {
    const health = async () => (await api<Health>('/healthz')).body;
    const streams = await Promise.all(Array.from({ length: 25 }, () => openEvents('/events')));
    try {
      await waitFor('25 connected clients', async () => ((await health()).event_clients >= 25 ? true : undefined));
      const before = await health();
      const task = await startTask({ tag: uniqueTag('fanout'), input: { command: 'sleep 1' } });
      await waitForStatus(task.id, ['completed']);
      await new Promise((r) => setTimeout(r, 1500));
      const after = await health();
      const calls = after.index.visibilityCalls - before.index.visibilityCalls;
      const polls = after.index.polls - before.index.polls;
      const checks = after.index.checks - before.index.checks;
      // A repair (a check that found a difference, on a busy machine a change visibility showed late) counts and lists ranges of its own.
      const repairs = after.index.repairVisibilityCalls - before.index.repairVisibilityCalls;
      // One list call per poll (and one count per periodic check), whatever the number of listeners.
      expect(calls).toBeLessThanOrEqual(polls + checks + repairs + 1);
      for (const stream of streams) {
        await waitFor('every client to see the completion', async () =>
          stream.events.some((e) => e.event === 'task' && JSON.parse(e.data).id === task.id && JSON.parse(e.data).status === 'completed') ? true : undefined,
        );
      }
    } finally {
      await Promise.all(streams.map((s) => s.close()));
    }
  });

  it('replays missed events to a client that reconnects with Last-Event-ID', async () => {
    const first = await openEvents('/events');
    const task = await startTask({ tag: uniqueTag('replay'), input: { command: 'sleep 0.5' } });
    await waitFor('an event of the task', async () => first.events.find((e) => e.event === 'task' && e.data.includes(task.id)));
    const lastId = first.events.filter((e) => e.id).at(-1)!.id!;
    await first.close();
    await waitForStatus(task.id, ['completed']);
    await new Promise((r) => setTimeout(r, 1500));
    const second = await openEvents('/events', { 'Last-Event-ID': lastId });
    try {
      await waitFor('the missed completion', async () =>
        second.events.some((e) => e.event === 'task' && JSON.parse(e.data).id === task.id && JSON.parse(e.data).status === 'completed') ? true : undefined,
      );
    } finally {
      await second.close();
    }
  });

  it('tells a client whose Last-Event-ID came from another API process to resync', async () => {
    for (const stale of ['k0000000-3', '12', 'garbage']) {
      const stream = await openEvents('/events', { 'Last-Event-ID': stale });
      try {
        await waitFor(`a resync for ${stale}`, async () => stream.events.some((e) => e.event === 'resync') || undefined);
      } finally {
        await stream.close();
      }
    }
  });
});

describe('GET /tasks/:id/logs/follow', () => {
  it('streams new lines while the task runs, then ends', async () => {
    const task = await startTask({ tag: uniqueTag('follow'), input: { command: 'for i in 1 2 3 4; do echo line $i; sleep 0.7; done' } });
    const stream = await openEvents(`/tasks/${task.id}/logs/follow?stream=stdout`);
    try {
      const end = await waitFor('the end event', async () => stream.events.find((e) => e.event === 'end'));
      const batches = stream.events.filter((e) => e.event === 'lines').map((e) => JSON.parse(e.data) as { from: number; lines: string[] });
      // Lines arrived in several batches as they were printed, each starting where the last ended.
      expect(batches.length).toBeGreaterThan(1);
      let next = 0;
      for (const batch of batches) {
        expect(batch.from).toBe(next);
        next += batch.lines.length;
      }
      expect(batches.flatMap((b) => b.lines)).toEqual(['line 1', 'line 2', 'line 3', 'line 4']);
      expect(JSON.parse(end.data)).toMatchObject({ total_lines: 4, status: 'completed' });
    } finally {
      await stream.close();
    }
  });
});

describe('an abort through the API', () => {
  it('reaches /events as soon as the workflow closes, not at the next visibility poll', async () => {
    // An API that polls visibility only once a minute: whatever arrives sooner came first-hand.
    const { base, stop } = await startExtraApi({ TASKDECK_POLL_MS: '60000' });
    try {
      const task = await startTaskVia(base, { tag: uniqueTag('abort-fast'), input: { command: 'sleep 120' } });
      await waitForStatus(task.id, ['running']);
      const stream = await openEvents('/events', {}, base);
      const sent = Date.now();
      expect((await api(`/tasks/${task.id}/abort`, { method: 'POST', base })).status).toBe(202);
      await waitFor('the aborted event', async () => stream.events.some((e) => e.event === 'task' && JSON.parse(e.data).id === task.id && JSON.parse(e.data).status === 'aborted'), 30_000);
      expect(Date.now() - sent).toBeLessThan(30_000);
      await stream.close();
    } finally {
      await stop();
    }
  });
});

describe('a followed log of a task that prints nothing', () => {
  it('answers at once: the stream is open before the task writes its first line', async () => {
    const task = await startTask({ tag: uniqueTag('silent'), input: { command: 'sleep 20' } });
    const controller = new AbortController();
    try {
      const started = Date.now();
      const res = await fetch(`${apiUrl()}/tasks/${task.id}/logs/follow?stream=stdout`, { signal: controller.signal });
      const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
      const first = await reader.read();
      expect(res.status).toBe(200);
      expect(first.value).toContain(': stream open');
      expect(Date.now() - started).toBeLessThan(4000);
    } finally {
      controller.abort();
      await api(`/tasks/${task.id}/abort`, { method: 'POST' });
    }
  });
});

