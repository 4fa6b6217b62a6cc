import { useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, errorMessage } from '../api/client';
import { queryKeys } from '../api/queries';
import type { ScheduleSummary } from '../api/types';
import { useNotify } from '../components/Notices';

/** Pause (with a note), unpause, run now and delete, each followed by a refetch of the schedules. */
export function useScheduleActions() {
  const notify = useNotify();
  const queryClient = useQueryClient();
  const run = useCallback(
    async (what: string, action: () => Promise<unknown>, done: string) => {
      try {
        await action();
        notify({ kind: 'info', text: done });
      } catch (err) {
        notify({ kind: 'error', text: `${what} failed: ${errorMessage(err)}` });
      } finally {
        await queryClient.invalidateQueries({ queryKey: queryKeys.schedules });
      }
    },
    [notify, queryClient],
  );
  return {
    pause: (s: ScheduleSummary) => {
      const note = window.prompt(`Pause ${s.name}: why? (shown on the schedule)`, '');
      if (note === null) return Promise.resolve();
      return run('Pause', () => api.pauseSchedule(s.id, note.trim() || undefined), `Paused ${s.name}`);
    },
    unpause: (s: ScheduleSummary) => run('Unpause', () => api.unpauseSchedule(s.id), `Unpaused ${s.name}`),
    trigger: (s: ScheduleSummary) => run('Run now', () => api.triggerSchedule(s.id), `${s.name} runs now`),
    remove: async (s: ScheduleSummary): Promise<boolean> => {
      if (!window.confirm(`Delete schedule ${s.name}? Its past runs stay in the table.`)) return false;
      await run('Delete', () => api.deleteSchedule(s.id), `Deleted ${s.name}`);
      return true;
    },
  };
}
