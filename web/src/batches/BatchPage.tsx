import { useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { TASK_STATUSES, STATUS_LABEL } from '../../../core/statuses';
import { api, errorMessage } from '../api/client';
import { batchQuery, queryKeys, taskKeys } from '../api/queries';
import { useNotify } from '../components/Notices';
import { StatusBadge } from '../components/StatusBadge';
import { outcomeSummary } from '../lib/outcomes';
import { graphLink } from '../graph/graphView';

/** One batch: overall progress, a count per status, its tasks, and one action that aborts them all. */
export function BatchPage() {
  const { id = '' } = useParams();
  // Kept fresh by the live events of the batch's tasks.
  const { data: batch, error } = useQuery(batchQuery(id));
  const notify = useNotify();
  const queryClient = useQueryClient();

  const abortAll = async () => {
    if (!window.confirm(`Abort every unfinished task of batch ${id}?`)) return;
    try {
      await api.abortBatch(id);
      notify({ kind: 'info', text: `Abort requested for batch ${id}` });
      void queryClient.invalidateQueries({ queryKey: queryKeys.batch(id) });
      void queryClient.invalidateQueries({ queryKey: taskKeys.all });
    } catch (err) {
      notify({ kind: 'error', text: `Abort failed: ${errorMessage(err)}` });
    }
  };

  if (error && !batch) return <p className="page banner-error">{errorMessage(error)}</p>;
  if (!batch) return <p className="page loading">Loading batch…</p>;
  return (
    <section className="page batch" aria-labelledby="batch-title">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/">Tasks</Link> <span aria-hidden="true">/</span> <Link to="/batches">Batches</Link> <span aria-hidden="true">/</span>{' '}
        <span className="mono">{batch.id}</span>
      </nav>
      <header className="page-header">
        <div className="title-block">
          <h1 id="batch-title">Batch {batch.id}</h1>
          {/* Progress is work done (a task aborted at 20% counts 20); how the tasks ended is said apart. */}
          <progress max={100} value={batch.progress} aria-label="Batch progress" title="Work done: the mean of its tasks' progress" />
          <span data-testid="batch-progress">{batch.progress}% done</span>
          <span className="batch-outcome" data-testid="batch-outcome">
            {outcomeSummary(batch.counts, batch.total)}
          </span>
        </div>
        <div className="button-row">
          <Link className="button" to={`/?batch=${encodeURIComponent(batch.id)}`}>
            Show in the table
          </Link>
          <Link className="button" to={graphLink('batch', batch.id)}>
            Show as a graph
          </Link>
          <Link className="button" to={`/timeline?batch=${encodeURIComponent(batch.id)}`}>
            Show as a timeline
          </Link>
          {batch.finished < batch.total && (
            <button type="button" className="button button-danger" onClick={() => void abortAll()}>
              Abort batch
            </button>
          )}
        </div>
      </header>
      <dl className="batch-counts" aria-label="Tasks by status">
        <div>
          <dt>Total</dt>
          <dd>{batch.total}</dd>
        </div>
        {TASK_STATUSES.filter((s) => batch.counts[s]).map((s) => (
          <div key={s} data-status={s}>
            <dt>{STATUS_LABEL[s]}</dt>
            <dd>{batch.counts[s]}</dd>
          </div>
        ))}
      </dl>
      <ul className="batch-tasks">
        {batch.tasks.map((t) => (
          <li key={t.id}>
            <Link to={`/tasks/${encodeURIComponent(t.id)}`} className="task-name">
              {t.name ?? t.id}
            </Link>{' '}
            <StatusBadge status={t.status} progress={t.progress} error={t.error} />
          </li>
        ))}
      </ul>
    </section>
  );
}
