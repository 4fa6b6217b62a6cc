import { useCallback, useEffect, useRef, useState } from 'react';
import { api, errorMessage } from '../api/client';
import type { TaskRecord } from '../api/types';
import { useTaskEvents } from '../live/taskEvents';
import { viewToApiQuery, type TableView } from './filters';

export interface Row {
  task: TaskRecord;
  /** When this copy of the task arrived: running durations count on from here. */
  receivedAt: number;
}

export interface TaskList {
  rows: Row[];
  total: number;
  loading: boolean;
  error: string | undefined;
  refresh: () => void;
}

/** At most one refetch per this interval however many events arrive. */
const REFRESH_THROTTLE_MS = 1000;

/**
 * The table's page of tasks, kept live: a changed task is updated in place at once, and the
 * page is refetched (throttled) so new tasks appear and the order stays true.
 */
export function useTaskList(view: TableView): TaskList {
  const query = viewToApiQuery(view).toString();
  const [rows, setRows] = useState<Row[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<string>();
  const [generation, setGeneration] = useState(0);
  const lastFetch = useRef(0);
  const pending = useRef<number | undefined>(undefined);

  useEffect(() => {
    const controller = new AbortController();
    lastFetch.current = Date.now();
    api.listTasks(new URLSearchParams(query), controller.signal).then(
      (page) => {
        const receivedAt = Date.now();
        setRows(page.items.map((task) => ({ task, receivedAt })));
        setTotal(page.total);
        setError(undefined);
        setLoading(false);
      },
      (err: unknown) => {
        if (controller.signal.aborted) return;
        setError(`Could not load tasks: ${errorMessage(err)}`);
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [query, generation]);

  const refresh = useCallback(() => {
    if (pending.current !== undefined) return;
    const wait = Math.max(0, lastFetch.current + REFRESH_THROTTLE_MS - Date.now());
    pending.current = window.setTimeout(() => {
      pending.current = undefined;
      setGeneration((g) => g + 1);
    }, wait);
  }, []);

  useEffect(() => () => window.clearTimeout(pending.current), []);

  useTaskEvents((event) => {
    if (event.kind === 'task') {
      const receivedAt = Date.now();
      setRows((current) => current.map((row) => (row.task.id === event.task.id ? { task: event.task, receivedAt } : row)));
    }
    refresh();
  });

  return { rows, total, loading, error, refresh };
}
