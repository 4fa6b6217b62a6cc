import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import type { TaskStatus } from '../../../core/statuses';
import { batchesQuery } from '../api/queries';
import { ListPage } from '../components/ListPage';
import { StatusBadge } from '../components/StatusBadge';
import { formatTime } from '../lib/format';
import { outcomeSummary } from '../lib/outcomes';

/**
 * `/batches`: every batch of the 14-day window, newest first: where it stands, how its tasks
 * ended (told apart from the progress, which is work done), and links to its page and its tasks.
 */
export function BatchesPage() {
  const { data: batches, error } = useQuery(batchesQuery);
  return (
    <ListPage
      title="Batches"
      items={batches}
      error={error}
      empty={
        <p>
          No batch in the past 14 days. A batch starts many tasks under one id (<code>POST /batches</code>).
        </p>
      }
      headers={['Started', 'Batch', 'User', 'Status', 'Tasks', 'Show']}
      row={(b) => (
        <tr key={b.id} data-batch-id={b.id}>
          <td>{formatTime(b.created_at)}</td>
          <td>
            <Link to={`/batches/${encodeURIComponent(b.id)}`} className="mono">
              {b.id}
            </Link>
          </td>
          <td>{b.user ?? '—'}</td>
          <td>
            <StatusBadge status={b.status as TaskStatus} progress={b.progress} />
          </td>
          <td data-testid="batch-outcome">{outcomeSummary(b.counts, b.total)}</td>
          <td>
            <Link to={`/?batch=${encodeURIComponent(b.id)}`}>In the table</Link>
          </td>
        </tr>
      )}
    />
  );
}
