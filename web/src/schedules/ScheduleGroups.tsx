import { Link } from 'react-router';
import type { ScheduleSummary } from '../api/types';
import { DataTable } from '../components/ListPage';
import { formatTime } from '../lib/format';
import { RunStatus, ScheduleButtons, ScheduleState } from './ScheduleBadges';

/** Schedules by group: when each runs, its state, its last run's status, its next run, and its actions. */
export function ScheduleGroups({ schedules }: { schedules: ScheduleSummary[] }) {
  const groups = new Map<string, ScheduleSummary[]>();
  for (const s of schedules) {
    const key = s.group ?? '';
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  return (
    <>
      {[...groups].map(([group, list]) => (
        <section key={group} className="schedule-group" aria-label={`Group ${group || 'none'}`}>
          <h2>{group || 'No group'}</h2>
          <DataTable headers={['Schedule', 'Runs', 'State', 'Last run', 'Next run', 'Actions']} className="schedules">
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
          </DataTable>
        </section>
      ))}
    </>
  );
}
