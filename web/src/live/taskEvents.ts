import { useEffect, useRef, useSyncExternalStore } from 'react';
import { eventsUrl } from '../api/client';
import type { TaskRecord } from '../api/types';

export type ConnectionState = 'connecting' | 'live' | 'error' | 'disconnected';

/** What a page hears: a changed task, or `resync` when it may have missed changes. */
export type TaskEvent = { kind: 'task'; task: TaskRecord } | { kind: 'resync' };

const MAX_RETRY_MS = 10_000;

/**
 * The app's one connection to `/events`, shared by every page. EventSource reconnects by itself
 * after a dropped stream (resuming from Last-Event-ID); when it gives up (the API answered an
 * error) this reconnects with backoff. Whenever the stream opens it emits a resync, because
 * events may have been missed.
 */
class TaskEventStream {
  private source: EventSource | null = null;
  private state: ConnectionState = 'connecting';
  private retryMs = 1000;
  private retryTimer: number | undefined;
  private readonly stateListeners = new Set<() => void>();
  private readonly eventListeners = new Set<(event: TaskEvent) => void>();

  constructor() {
    window.addEventListener('offline', () => this.disconnect());
    window.addEventListener('online', () => this.connect());
    if (navigator.onLine) this.connect();
    else this.setState('disconnected');
  }

  getState = (): ConnectionState => this.state;

  subscribeState = (listener: () => void): (() => void) => {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  };

  subscribe(listener: (event: TaskEvent) => void): () => void {
    this.eventListeners.add(listener);
    return () => {
      this.eventListeners.delete(listener);
    };
  }

  /** Connects again now, e.g. with the token of a user who just signed in. */
  restart(): void {
    this.retryMs = 1000;
    this.connect();
  }

  private connect(): void {
    window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.setState('connecting');
    const source = new EventSource(eventsUrl());
    this.source = source;
    source.addEventListener('hello', () => {
      this.retryMs = 1000;
      this.setState('live');
      // The cache is invalidated on every hello, the first one too: a reconnection may have
      // skipped events, and a page's first fetch races the stream's opening, so a change between
      // the two would otherwise never reach it.
      this.emit({ kind: 'resync' });
    });
    source.addEventListener('resync', () => this.emit({ kind: 'resync' }));
    source.addEventListener('task', (message: MessageEvent<string>) => this.emit({ kind: 'task', task: JSON.parse(message.data) as TaskRecord }));
    source.onerror = () => {
      if (source.readyState === EventSource.CONNECTING) {
        this.setState('connecting');
        return;
      }
      // Closed for good (an HTTP error, or the API is down): retry ourselves, backing off.
      source.close();
      this.setState('error');
      this.retryTimer = window.setTimeout(() => this.connect(), this.retryMs);
      this.retryMs = Math.min(MAX_RETRY_MS, this.retryMs * 2);
    };
  }

  private disconnect(): void {
    window.clearTimeout(this.retryTimer);
    this.source?.close();
    this.source = null;
    this.setState('disconnected');
  }

  private setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener();
  }

  private emit(event: TaskEvent): void {
    for (const listener of this.eventListeners) listener(event);
  }
}

let stream: TaskEventStream | undefined;
const shared = () => (stream ??= new TaskEventStream());

export function restartTaskEvents(): void {
  stream?.restart();
}

export function useConnectionState(): ConnectionState {
  const events = shared();
  return useSyncExternalStore(events.subscribeState, events.getState);
}

/**
 * Hears every event of the shared stream until the answered function is called. The query cache
 * hears them this way (live/taskCache.ts); pages read the cache, not the stream.
 */
export function subscribeTaskEvents(listener: (event: TaskEvent) => void): () => void {
  return shared().subscribe(listener);
}

/**
 * Calls `listener` for every task event while the component is mounted: for a view that keeps
 * its own model of the rows (the graph's nodes, patched in place), not for server state.
 */
export function useTaskEvents(listener: (event: TaskEvent) => void): void {
  const latest = useRef(listener);
  useEffect(() => {
    latest.current = listener;
  });
  useEffect(() => subscribeTaskEvents((event) => latest.current(event)), []);
}
