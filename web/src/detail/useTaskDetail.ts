import { useCallback, useEffect, useRef, useState } from 'react';
import { isFinished } from '../../../core/statuses';
import { ApiError, api } from '../api/client';
import type { TaskDetail } from '../api/types';
import { useTaskEvents } from '../live/taskEvents';

/** While a task lives, its detail is also refreshed this often for the freshest progress message. */
const LIVE_REFRESH_MS = 3000;

export function useTaskDetail(id: string): { task: TaskDetail | undefined; receivedAt: number; error: ApiError | Error | undefined; refresh: () => void } {
  // Kept with the id they belong to, so another task's page never shows this one.
  const [loaded, setLoaded] = useState<{ id: string; task?: TaskDetail; receivedAt: number; error?: ApiError | Error }>({ id, receivedAt: 0 });
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    api.task(id, controller.signal).then(
      (detail) => setLoaded({ id, task: detail, receivedAt: Date.now() }),
      (err: Error) => !controller.signal.aborted && setLoaded((previous) => ({ ...(previous.id === id ? previous : { receivedAt: 0 }), id, error: err })),
    );
    return () => controller.abort();
  }, [id, generation]);

  const current = loaded.id === id ? loaded : { receivedAt: 0, task: undefined, error: undefined };
  const task = current.task;
  const live = task !== undefined && !isFinished(task.status);
  useEffect(() => {
    if (!live) return;
    timer.current = window.setInterval(refresh, LIVE_REFRESH_MS);
    return () => window.clearInterval(timer.current);
  }, [live, refresh]);

  useTaskEvents((event) => {
    if (event.kind === 'resync' || event.task.id === id || event.task.retry_of === id) refresh();
  });

  return { task, receivedAt: current.receivedAt, error: current.error, refresh };
}
