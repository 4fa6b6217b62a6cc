import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { api, errorMessage } from '../api/client';
import { queryKeys, schedulesQuery } from '../api/queries';
import type { ScheduleSummary } from '../api/types';
import { formatTime } from '../lib/format';
import { ScheduleForm, type ScheduleDraft } from './ScheduleForm';
import { RunStatus, ScheduleButtons, ScheduleState } from './ScheduleBadges';

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

  const groups = new Map<string, ScheduleSummary[]>();
  for (const s of schedules ?? []) {
    const key = s.group ?? '';
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }

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
      {[...groups].map(([group, list]) => (
        <section key={group} className="schedule-group" aria-label={`Group ${group || 'none'}`}>
          <h2>{group || 'No group'}</h2>
          <div className="table-scroll">
            <table className="tasks schedules">
              <thead>
                <tr>
                  <th scope="col">Schedule</th>
                  <th scope="col">Runs</th>
                  <th scope="col">State</th>
                  <th scope="col">Last run</th>
                  <th scope="col">Next run</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {list.map((s) => (
                  <tr key={s.id} data-schedule-id={s.id}>
                    <td>
                      <Link to={`/schedules/${encodeURIComponent(s.id)}`} className="task-link">
                        <span className="task-type">{s.name}</span>
                        <span className="task-name">{s.action.kind === 'pipeline' ? `pipeline of ${s.action.tasks.length} tasks` : `${s.action.workflow_type} task`}</span>
                      </Link>
                    </td>
                    <td className="mono">{s.spec.description}</td>
                    <td>
                      <ScheduleState schedule={s} />
                    </td>
                    <td>
                      <RunStatus run={s.last_run} />
                    </td>
                    <td>{s.state === 'paused' ? '—' : formatTime(s.next_runs[0] ?? null)}</td>
                    <td className="row-actions">
                      <ScheduleButtons schedule={s} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </section>
      ))}
    </section>
  );
}
