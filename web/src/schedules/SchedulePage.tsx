import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { api, errorMessage } from '../api/client';
import { queryKeys, scheduleQuery } from '../api/queries';
import { formatTime } from '../lib/format';
import { RunStatus, ScheduleButtons, ScheduleState } from './ScheduleBadges';
import { ScheduleForm, type ScheduleDraft } from './ScheduleForm';

/** One schedule: when and what it runs, its state and note, its next run times and recent runs. */
export function SchedulePage() {
  const { id = '' } = useParams();
  const { data: schedule, error } = useQuery(scheduleQuery(id));
  const [editing, setEditing] = useState(false);
  const queryClient = useQueryClient();
  const navigate = useNavigate();

  if (error) {
    return (
      <section className="page">
        <p className="banner banner-error" role="alert">
          {errorMessage(error)}
        </p>
        <Link to="/schedules">Back to schedules</Link>
      </section>
    );
  }
  if (!schedule) return <p className="page loading">Loading…</p>;

  const save = async (draft: ScheduleDraft) => {
    await api.updateSchedule(schedule.id, draft as Parameters<typeof api.updateSchedule>[1]);
    await queryClient.invalidateQueries({ queryKey: queryKeys.schedules });
    setEditing(false);
  };
  const runLink = (run: { id: string; kind: 'task' | 'pipeline' }) => (run.kind === 'pipeline' ? `/graph?pipeline=${encodeURIComponent(run.id)}` : `/tasks/${encodeURIComponent(run.id)}`);

  return (
    <section className="page" aria-labelledby="schedule-title">
      <header className="page-header">
        <div className="title-block">
          <h1 id="schedule-title">{schedule.name}</h1>
          <ScheduleState schedule={schedule} />
          {schedule.note && <span className="muted schedule-note">“{schedule.note}”</span>}
        </div>
        <div className="button-row">
          <ScheduleButtons schedule={schedule} onDeleted={() => void navigate('/schedules')}>
            <button type="button" className="button" onClick={() => setEditing(true)}>
              Edit
            </button>
          </ScheduleButtons>
        </div>
      </header>
      {editing && <ScheduleForm editing={schedule} onSubmit={save} onCancel={() => setEditing(false)} />}
      <div className="detail-grid">
        <section className="card" aria-labelledby="schedule-details">
          <h2 id="schedule-details">Details</h2>
          <dl className="facts">
            <dt>Schedule ID</dt>
            <dd className="mono">{schedule.id}</dd>
            <dt>Group</dt>
            <dd>{schedule.group ? <Link to={`/?group=${encodeURIComponent(schedule.group)}`}>{schedule.group}</Link> : '—'}</dd>
            <dt>Runs</dt>
            <dd className="mono">{schedule.spec.description}</dd>
            <dt>Overlap</dt>
            <dd>{schedule.policy.overlap.replace('_', ' ')}</dd>
            <dt>Starts</dt>
            <dd>
              {schedule.action.kind === 'pipeline'
                ? `a pipeline: ${schedule.action.tasks.map((t) => (t.depends_on.length ? `${t.depends_on.join(', ')} → ${t.key}` : t.key)).join('; ')}`
                : `a ${schedule.action.workflow_type} task`}
            </dd>
            <dt>Owner</dt>
            <dd>{schedule.user ?? '—'}</dd>
            <dt>Created</dt>
            <dd>{formatTime(schedule.created_at)}</dd>
            <dt>Runs taken</dt>
            <dd>
              {schedule.runs_taken}
              {schedule.skipped_overlap > 0 && ` (${schedule.skipped_overlap} skipped while one still ran)`}
            </dd>
          </dl>
        </section>
        <section className="card" aria-labelledby="next-runs">
          <h2 id="next-runs">Next runs</h2>
          {schedule.state === 'paused' ? (
            <p className="muted">Paused: no runs until it is unpaused.</p>
          ) : (
            <ol className="next-runs">
              {schedule.next_runs.map((t) => (
                <li key={t}>
                  <time dateTime={t}>{formatTime(t)}</time>
                </li>
              ))}
            </ol>
          )}
        </section>
      </div>
      <section className="card" aria-labelledby="recent-runs">
        <h2 id="recent-runs">Recent runs</h2>
        {schedule.recent_runs.length === 0 ? (
          <p className="muted">No run yet.</p>
        ) : (
          <table className="tasks">
            <thead>
              <tr>
                <th scope="col">Run</th>
                <th scope="col">Status</th>
                <th scope="col">Trigger Time</th>
                <th scope="col">Started</th>
                <th scope="col">Finished</th>
              </tr>
            </thead>
            <tbody>
              {schedule.recent_runs.map((run) => (
                <tr key={run.id} data-run-id={run.id}>
                  <td className="mono">
                    <Link to={runLink(run)}>{run.id}</Link>
                  </td>
                  <td>
                    <RunStatus run={run} />
                  </td>
                  <td>{formatTime(run.trigger_time)}</td>
                  <td>{formatTime(run.started_at)}</td>
                  <td>{formatTime(run.end_date)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <p>
          <Link to={`/?schedule=${encodeURIComponent(schedule.id)}`}>All its runs in the table</Link> ·{' '}
          {schedule.action.kind === 'pipeline' ? (
            schedule.last_run && <Link to={`/timeline?pipeline=${encodeURIComponent(schedule.last_run.id)}`}>Timeline of the latest run</Link>
          ) : (
            <Link to={`/timeline?schedule=${encodeURIComponent(schedule.id)}`}>Timeline of its runs</Link>
          )}
        </p>
      </section>
    </section>
  );
}
