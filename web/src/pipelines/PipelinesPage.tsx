import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { TaskStatus } from '../../../core/statuses';
import { errorMessage } from '../api/client';
import { pipelinesQuery } from '../api/queries';
import { StatusBadge } from '../components/StatusBadge';
import { graphLink } from '../graph/graphView';
import { formatTime } from '../lib/format';
import { outcomeSummary } from '../lib/outcomes';

/**
 * `/pipelines`: every pipeline of the 14-day window, newest first: status, how its tasks ended,
 * progress as work done, and links to its graph and to its tasks in the table.
 */
export function PipelinesPage() {
  const { data: pipelines, error } = useQuery(pipelinesQuery);
  return (
    <section className="page" aria-labelledby="pipelines-title">
      <header className="page-header">
        <h1 id="pipelines-title">Pipelines</h1>
      </header>
      {error && !pipelines && <p className="banner banner-error">Could not load the pipelines: {errorMessage(error)}</p>}
      {!pipelines && !error && <p className="loading">Loading pipelines…</p>}
      {pipelines?.length === 0 && (
        <div className="empty">
          <p>
            No pipeline in the past 14 days. A pipeline starts tasks that wait for each other (<code>POST /pipelines</code>).
          </p>
        </div>
      )}
      {pipelines && pipelines.length > 0 && (
        <div className="table-scroll">
          <table className="tasks">
            <thead>
              <tr>
                <th scope="col">Started</th>
                <th scope="col">Pipeline</th>
                <th scope="col">User</th>
                <th scope="col">Status</th>
                <th scope="col">Tasks</th>
                <th scope="col">Show</th>
              </tr>
            </thead>
            <tbody>
              {pipelines.map((p) => (
                <tr key={p.id} data-pipeline-id={p.id}>
                  <td>{formatTime(p.created_at)}</td>
                  <td>
                    <Link to={graphLink('pipeline', p.id)} className="task-link">
                      <span className="task-name">{p.name}</span>
                      <span className="task-type mono">{p.id}</span>
                    </Link>
                  </td>
                  <td>{p.user ?? '—'}</td>
                  <td>
                    <StatusBadge status={p.status as TaskStatus} progress={p.progress} />
                  </td>
                  <td data-testid="pipeline-outcome">{outcomeSummary(p.counts, Math.max(p.task_count, sum(p.counts)))}</td>
                  <td>
                    <Link to={`/?pipeline=${encodeURIComponent(p.id)}`}>In the table</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

const sum = (counts: Partial<Record<string, number>>) => Object.values(counts).reduce<number>((a, n) => a + (n ?? 0), 0);
