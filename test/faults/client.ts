/** HTTP and event-stream clients for tests that own their stack (no vitest inject). */
import { takeEvents } from '../support/sse';

export interface Http {
  url: string;
  get<T>(path: string): Promise<T>;
  post<T>(path: string, body: unknown): Promise<T>;
}

export function httpClient(url: string): Http {
  const call = async <T>(path: string, init?: RequestInit): Promise<T> => {
    const res = await fetch(`${url}${path}`, init);
    const text = await res.text();
    if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${path}: ${res.status} ${text}`);
    return JSON.parse(text) as T;
  };
  return {
    url,
    get: (path) => call(path),
    post: (path, body) => call(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  };
}

export async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await check()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

export interface Follower {
  /** The last status this client knows of each task of the tag. */
  statuses: Map<string, string>;
  /** How many times it connected. */
  connections: number;
  close: () => void;
}

/**
 * Follows `/events` the way a browser's EventSource and the web app do: reconnects after a
 * dropped stream with Last-Event-ID, and on `resync` reads the task list again.
 */
export async function followEventsWithReconnect(http: Http, tag: string): Promise<Follower> {
  const follower: Follower = { statuses: new Map(), connections: 0, close: () => controller.abort() };
  const controller = new AbortController();
  let lastEventId: string | undefined;
  const resync = async () => {
    for (const task of await http.get<{ id: string; status: string }[]>(`/tasks?tag=${encodeURIComponent(tag)}&limit=100`)) follower.statuses.set(task.id, task.status);
  };
  const connectOnce = async () => {
    const res = await fetch(`${http.url}/events`, { signal: controller.signal, headers: lastEventId ? { 'Last-Event-ID': lastEventId } : {} });
    follower.connections += 1;
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const taken = takeEvents(buffer + value);
      buffer = taken.rest;
      for (const event of taken.events) {
        if (event.id) lastEventId = event.id;
        if (event.event === 'resync') await resync();
        if (event.event === 'task') {
          const task = JSON.parse(event.data) as { id: string; status: string; tag: string | null };
          if (task.tag === tag) follower.statuses.set(task.id, task.status);
        }
      }
    }
  };
  const loop = async () => {
    while (!controller.signal.aborted) {
      await connectOnce().catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  };
  void loop();
  await waitFor('the first connection to /events', async () => follower.connections > 0, 10_000);
  return follower;
}
