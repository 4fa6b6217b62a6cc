import { useCallback } from 'react';
import { isFinished } from '../../../core/statuses';
import { ApiError, api } from '../api/client';
import type { TaskRecord } from '../api/types';
import { useNotify } from './Notices';

export interface TaskActions {
  canAbort: boolean;
  canRetry: boolean;
  copyId: () => Promise<void>;
  abort: () => Promise<void>;
  retry: () => Promise<TaskRecord | undefined>;
}

const label = (task: TaskRecord) => task.name ?? task.id;

/** The actions a task's state allows, shared by the table's row menu and the detail page. */
export function useTaskActions(task: TaskRecord, onChange?: () => void): TaskActions {
  const notify = useNotify();
  const failed = useCallback((what: string, err: unknown) => notify({ kind: 'error', text: `${what} failed: ${err instanceof ApiError ? err.body.error : String(err)}` }), [notify]);

  const copyId = useCallback(async () => {
    try {
      await navigator.clipboard.writeText(task.id);
      notify({ kind: 'info', text: `Copied task ID ${task.id}` });
    } catch (err) {
      failed('Copy', err);
    }
  }, [task.id, notify, failed]);

  const abort = useCallback(async () => {
    if (!window.confirm(`Abort ${label(task)}? Its process is stopped and the task ends aborted.`)) return;
    try {
      await api.abort(task.id);
      notify({ kind: 'info', text: `Abort requested for ${label(task)}` });
      onChange?.();
    } catch (err) {
      failed('Abort', err);
    }
  }, [task, notify, failed, onChange]);

  const retry = useCallback(async () => {
    try {
      const created = await api.retry(task.id);
      notify({ kind: 'info', text: `Retry of ${label(task)} started`, link: { to: `/tasks/${encodeURIComponent(created.id)}`, label: 'Open' } });
      onChange?.();
      return created;
    } catch (err) {
      failed('Retry', err);
      return undefined;
    }
  }, [task, notify, failed, onChange]);

  return { canAbort: !isFinished(task.status), canRetry: isFinished(task.status), copyId, abort, retry };
}
