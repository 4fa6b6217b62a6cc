import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { isFinished } from '../../../core/statuses';
import { api, errorMessage } from '../api/client';
import { invalidateTask } from '../api/queries';
import type { TaskRecord } from '../api/types';
import { reviews, useMe } from '../lib/me';
import { useNotify } from './Notices';

export interface TaskActions {
  canAbort: boolean;
  canRetry: boolean;
  canPause: boolean;
  canResume: boolean;
  /** An operator or admin may decide on a task waiting for approval. */
  canDecide: boolean;
  pause: () => Promise<void>;
  resume: () => Promise<void>;
  approve: () => Promise<void>;
  reject: () => Promise<void>;
  copyId: () => Promise<void>;
  abort: () => Promise<void>;
  retry: () => Promise<TaskRecord | undefined>;
}

const label = (task: TaskRecord) => task.name ?? task.id;

/**
 * The actions a task's state allows, shared by the table's row menu and the detail page. After
 * an action, what it changed is refetched at once (the live events would say so a moment later).
 */
export function useTaskActions(task: TaskRecord): TaskActions {
  const notify = useNotify();
  const queryClient = useQueryClient();
  const changed = useCallback(() => void invalidateTask(queryClient, task), [queryClient, task]);
  const me = useMe();
  const failed = useCallback((what: string, err: unknown) => notify({ kind: 'error', text: `${what} failed: ${errorMessage(err)}` }), [notify]);

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
      changed();
    } catch (err) {
      failed('Abort', err);
    }
  }, [task, notify, failed, changed]);

  const retry = useCallback(async () => {
    try {
      const created = await api.retry(task.id);
      notify({ kind: 'info', text: `Retry of ${label(task)} started`, link: { to: `/tasks/${encodeURIComponent(created.id)}`, label: 'Open' } });
      changed();
      return created;
    } catch (err) {
      failed('Retry', err);
      return undefined;
    }
  }, [task, notify, failed, changed]);

  const act = useCallback(
    async (what: string, done: string, call: () => Promise<unknown>) => {
      try {
        await call();
        notify({ kind: 'info', text: `${done} ${label(task)}` });
        changed();
      } catch (err) {
        failed(what, err);
      }
    },
    [task, notify, failed, changed],
  );
  const pause = useCallback(() => act('Pause', 'Paused', () => api.pause(task.id)), [act, task.id]);
  const resume = useCallback(() => act('Resume', 'Resumed', () => api.resume(task.id)), [act, task.id]);
  const approve = useCallback(() => act('Approve', 'Approved', () => api.approve(task.id)), [act, task.id]);
  const reject = useCallback(async () => {
    const note = window.prompt(`Reject ${label(task)}? Say why (optional):`, '');
    if (note === null) return;
    await act('Reject', 'Rejected', () => api.reject(task.id, note.trim() || undefined));
  }, [act, task]);

  return {
    canAbort: !isFinished(task.status),
    canRetry: isFinished(task.status),
    canPause: task.status === 'initializing' || task.status === 'running',
    canResume: task.status === 'paused',
    canDecide: task.status === 'pending_approval' && reviews(me),
    copyId,
    abort,
    retry,
    pause,
    resume,
    approve,
    reject,
  };
}
