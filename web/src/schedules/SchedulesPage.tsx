import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { api, errorMessage } from '../api/client';
import { queryKeys, schedulesQuery } from '../api/queries';
import { ScheduleForm, type ScheduleDraft } from './ScheduleForm';
import { ScheduleGroups } from './ScheduleGroups';

/** Schedules by group: when each runs, whether it is paused, how its last run went; create one. */
export function SchedulesPage() {
  const { data: schedules, error, isLoading } = useQuery(schedulesQuery);
  const [creating, setCreating] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  const create = async (draft: ScheduleDraft) => {
    const created = await api.createSchedule(draft as Parameters<typeof api.createSchedule>[0]);
    await queryClient.invalidateQueries({ queryKey: queryKeys.schedules });
    void navigate(`/schedules/${encodeURIComponent(created.id)}`);
  };

  return (
    <section className="page" aria-labelledby="schedules-title">
      <header className="page-header">
        <h1 id="schedules-title">Schedules</h1>
        {!creating && (
          <button type="button" className="button button-primary" onClick={() => setCreating(true)}>
            New schedule
          </button>
        )}
      </header>
      {creating && <ScheduleForm onSubmit={create} onCancel={() => setCreating(false)} />}
      {error && (
        <p className="banner banner-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {isLoading && <p className="loading">Loading…</p>}
      {schedules?.length === 0 && <p className="empty">No schedules yet. A schedule runs a task or a pipeline on a cron expression or an interval.</p>}
      {schedules && <ScheduleGroups schedules={schedules} />}
    </section>
  );
}
