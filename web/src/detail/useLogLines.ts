import { useEffect, useMemo, useState, useSyncExternalStore } from 'react';
import { api, logFollowUrl } from '../api/client';
import type { LogStream } from '../api/types';

export interface LogLines {
  lines: string[];
  /** Global 1-based number of `lines[0]`. */
  firstLine: number;
  counts: Record<LogStream, number>;
  /** Pages mode only. */
  totalPages: number;
  loading: boolean;
  error: string | undefined;
  /** Live mode: both streams ended (the task finished and every line arrived). */
  ended: boolean;
}

const STREAMS: LogStream[] = ['stdout', 'stderr'];
const RECONNECT_MS = 1000;

interface FollowSnapshot {
  lines: Record<LogStream, string[]>;
  ended: Record<LogStream, boolean>;
  error: string | undefined;
}

/**
 * Follows both streams of a running task from their first line, so the tabs show live counts
 * and switching tabs is instant. Each batch replaces the snapshot (React reads it through
 * useSyncExternalStore); stopping and starting again resumes from the lines already held.
 */
class LogFollower {
  private snapshot: FollowSnapshot = { lines: { stdout: [], stderr: [] }, ended: { stdout: false, stderr: false }, error: undefined };
  private readonly listeners = new Set<() => void>();
  private readonly sources = new Set<EventSource>();
  private readonly timers = new Set<number>();

  constructor(private readonly taskId: string) {}

  subscribe = (listener: () => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  getSnapshot = () => this.snapshot;

  start(): void {
    for (const stream of STREAMS) if (!this.snapshot.ended[stream]) this.follow(stream);
  }

  stop(): void {
    for (const source of this.sources) source.close();
    for (const timer of this.timers) window.clearTimeout(timer);
    this.sources.clear();
    this.timers.clear();
  }

  private follow(stream: LogStream): void {
    const source = new EventSource(logFollowUrl(this.taskId, stream, this.snapshot.lines[stream].length));
    this.sources.add(source);
    source.addEventListener('lines', (message: MessageEvent<string>) => {
      const batch = JSON.parse(message.data) as { from: number; lines: string[] };
      const held = this.snapshot.lines[stream];
      // A batch that overlaps what we hold (after a reconnect) adds only its new lines.
      const fresh = batch.lines.slice(Math.max(0, held.length - batch.from));
      this.update({ lines: { ...this.snapshot.lines, [stream]: held.concat(fresh) }, error: undefined });
    });
    source.addEventListener('end', () => {
      this.close(source);
      this.update({ ended: { ...this.snapshot.ended, [stream]: true } });
    });
    source.onerror = () => {
      // Reconnect from the line we reached: the browser's own retry would replay from line 0.
      this.close(source);
      this.update({ error: 'Log stream interrupted; reconnecting…' });
      const timer = window.setTimeout(() => {
        this.timers.delete(timer);
        this.follow(stream);
      }, RECONNECT_MS);
      this.timers.add(timer);
    };
  }

  private close(source: EventSource): void {
    source.close();
    this.sources.delete(source);
  }

  private update(change: Partial<FollowSnapshot>): void {
    this.snapshot = { ...this.snapshot, ...change };
    for (const listener of this.listeners) listener();
  }
}

/** Live mode: a running task's log as it grows. */
export function useLiveLog(taskId: string, stream: LogStream, enabled: boolean, reloadKey: number): LogLines {
  // A new follower (from line 0) per task and per Reload.
  const follower = useMemo(() => new LogFollower(taskId), [taskId, reloadKey]); // eslint-disable-line react-hooks/exhaustive-deps
  useEffect(() => {
    if (!enabled) return;
    follower.start();
    return () => follower.stop();
  }, [follower, enabled]);
  const snapshot = useSyncExternalStore(follower.subscribe, follower.getSnapshot);
  return {
    lines: snapshot.lines[stream],
    firstLine: 1,
    counts: { stdout: snapshot.lines.stdout.length, stderr: snapshot.lines.stderr.length },
    totalPages: 1,
    loading: false,
    error: snapshot.error,
    ended: snapshot.ended.stdout && snapshot.ended.stderr,
  };
}

/** Pages mode: a finished task's log, 500 lines a page, with both streams' line counts. */
export function usePagedLog(taskId: string, stream: LogStream, page: number, enabled: boolean, reloadKey: number): LogLines {
  const key = `${taskId}|${stream}|${page}|${reloadKey}`;
  const [loaded, setLoaded] = useState<{ key: string; log: LogLines } | undefined>();
  useEffect(() => {
    if (!enabled) return;
    const controller = new AbortController();
    api.logPage(taskId, stream, page, controller.signal).then(
      (p) => setLoaded({ key, log: { lines: p.lines, firstLine: p.first_line, counts: p.counts, totalPages: p.total_pages, loading: false, error: undefined, ended: true } }),
      (err: Error) => {
        if (controller.signal.aborted) return;
        setLoaded((previous) => ({ key, log: { ...(previous?.log ?? EMPTY_PAGE), loading: false, error: `Could not load the log: ${err.message}` } }));
      },
    );
    return () => controller.abort();
  }, [key, taskId, stream, page, enabled]);
  // Until this page arrives, keep showing the last one (no flash of an empty viewer).
  const log = loaded?.log ?? EMPTY_PAGE;
  return loaded?.key === key ? log : { ...log, loading: true };
}

const EMPTY_PAGE: LogLines = { lines: [], firstLine: 1, counts: { stdout: 0, stderr: 0 }, totalPages: 1, loading: true, error: undefined, ended: true };
