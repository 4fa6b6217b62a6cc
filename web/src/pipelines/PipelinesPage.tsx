import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { pipelinesQuery } from '../api/queries';
import { ListPage } from '../components/ListPage';
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
    <ListPage
      title="Pipelines"
      items={pipelines}
      error={error}
      empty={
        <p>
          No pipeline in the past 14 days. A pipeline starts tasks that wait for each other (<code>POST /pipelines</code>).
        </p>
      }
      headers={['Started', 'Pipeline', 'User', 'Status', 'Tasks', 'Show']}
      row={(p) => (
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
            <StatusBadge status={p.status} progress={p.progress} />
          </td>
          <td data-testid="pipeline-outcome">{outcomeSummary(p.counts, p.task_count)}</td>
          <td>
            <Link to={`/?pipeline=${encodeURIComponent(p.id)}`}>In the table</Link>
          </td>
        </tr>
      )}
    />
  );
}
