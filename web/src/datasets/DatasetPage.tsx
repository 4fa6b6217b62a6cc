import { useQuery } from '@tanstack/react-query';
import { Link, useParams } from 'react-router';
import { ApiError, errorMessage } from '../api/client';
import { datasetQuery } from '../api/queries';
import type { DatasetDetail } from '../api/types';
import { DataTable } from '../components/ListPage';
import { StatusBadge } from '../components/StatusBadge';
import { formatBytes, formatDuration, formatTime } from '../lib/format';
import { typeLabel, useTaskTypes } from '../lib/taskTypes';
import { DATASET_STATUS_HELP, DatasetStatusBadge } from './DatasetStatus';

const taskLink = (id: string) => `/tasks/${encodeURIComponent(id)}`;

/**
 * `/datasets/<id>`: where the Dataset column leads. The dataset's status under the concurrency
 * rules and what holds it, the version it is at and what wrote it, its snapshots (the versions
 * kept), its models, and its tasks of the 14-day window.
 */
export function DatasetPage() {
  const { id = '' } = useParams();
  const { data: dataset, error } = useQuery(datasetQuery(id));
  if (error && !dataset) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <section className="page">
        <p className="banner banner-error" role="alert">
          {missing ? `There is no dataset ${id} in the store.` : `Could not load dataset ${id}: ${errorMessage(error)}`}
        </p>
        <Link to="/datasets">All datasets</Link>
      </section>
    );
  }
  if (!dataset) return <p className="page loading">Loading dataset…</p>;
  return <DatasetView dataset={dataset} />;
}

function DatasetView({ dataset }: { dataset: DatasetDetail }) {
  const { types } = useTaskTypes();
  const d = dataset;
  return (
    <section className="page dataset" aria-labelledby="dataset-title">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/datasets">Datasets</Link> <span aria-hidden="true">/</span> <span className="mono">{d.id}</span>
      </nav>
      <header className="page-header">
        <div className="title-block">
          <h1 id="dataset-title">{d.name}</h1>
          <DatasetStatusBadge status={d.status} label={d.status_label} />
        </div>
        <div className="button-row">
          <Link className="button" to={`/?dataset_id=${encodeURIComponent(d.id)}`}>
            Show its tasks in the table
          </Link>
          <Link className="button" to={`/submit?type=media_addition&dataset_id=${encodeURIComponent(d.id)}`}>
            Start a task on it
          </Link>
        </div>
      </header>

      <div className="detail-grid">
        <section className="card" aria-labelledby="dataset-status-title">
          <h2 id="dataset-status-title">Status: {d.status_label}</h2>
          <p className="dataset-status-help">{DATASET_STATUS_HELP[d.status]}</p>
          {d.holders.length > 0 ? (
            <ul className="dataset-holders" aria-label="Tasks holding the dataset">
              {d.holders.map((h) => (
                <li key={h.task_id}>
                  Held by{' '}
                  <Link to={taskLink(h.task_id)}>
                    {typeLabel(types, h.task_type)} <span className="mono">{h.task_id}</span>
                  </Link>{' '}
                  since {formatTime(h.since)}
                </li>
              ))}
            </ul>
          ) : (
            <p className="muted">No task holds it.</p>
          )}
        </section>

        <section className="card" aria-labelledby="dataset-facts-title">
          <h2 id="dataset-facts-title">Current version</h2>
          <dl className="facts">
            <dt>Dataset ID</dt>
            <dd className="mono">{d.id}</dd>
            <dt>Items</dt>
            <dd>{d.media_count.toLocaleString()}</dd>
            <dt>Size</dt>
            <dd>{formatBytes(d.bytes)}</dd>
            <dt>Index</dt>
            <dd>{d.indexed ? 'Complete' : 'Partial: new media is not indexed yet'}</dd>
            <dt>Created</dt>
            <dd>{formatTime(d.created_at)}</dd>
            <dt>Last changed</dt>
            <dd>{formatTime(d.updated_at)}</dd>
            <dt>Written by</dt>
            <dd>{d.last_task ? <Link to={taskLink(d.last_task)} className="mono">{d.last_task}</Link> : '—'}</dd>
            {d.source_snapshot && (
              <>
                <dt>From snapshot</dt>
                <dd className="mono">{d.source_snapshot}</dd>
              </>
            )}
          </dl>
        </section>
      </div>

      <section className="card" aria-labelledby="snapshots-title">
        <h2 id="snapshots-title">Snapshots ({d.snapshots.length})</h2>
        {d.snapshots.length === 0 ? (
          <p className="muted">No snapshot yet: a Snapshot Create task keeps the dataset as it is.</p>
        ) : (
          <DataTable headers={['Name', 'Snapshot ID', 'Created', 'Items', 'Index', 'By task']}>
            {d.snapshots.map((s) => (
              <tr key={s.id}>
                <td>
                  {s.name}
                  {s.description && <div className="muted">{s.description}</div>}
                </td>
                <td className="mono">{s.id}</td>
                <td>{formatTime(s.created_at)}</td>
                <td>{s.media_count.toLocaleString()}</td>
                <td>{s.indexed ? 'Complete' : 'Partial'}</td>
                <td>
                  <Link to={taskLink(s.task_id)} className="mono">
                    {s.task_id.slice(0, 8)}
                  </Link>
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>

      {d.models.length > 0 && (
        <section className="card" aria-labelledby="models-title">
          <h2 id="models-title">Models ({d.models.length})</h2>
          <ul className="dataset-models">
            {d.models.map((m) => (
              <li key={m.id}>
                <strong>{m.name}</strong> <span className="mono">{m.id}</span> · {m.kind} · {formatTime(m.created_at)} ·{' '}
                <Link to={taskLink(m.task_id)}>task</Link>
              </li>
            ))}
          </ul>
        </section>
      )}

      <section className="card" aria-labelledby="dataset-tasks-title">
        <h2 id="dataset-tasks-title">Tasks ({d.tasks.length})</h2>
        {d.tasks.length === 0 ? (
          <p className="muted">No task of the last 14 days.</p>
        ) : (
          <DataTable headers={['Time', 'Task', 'Duration', 'User', 'Status']}>
            {d.tasks.map((t) => (
              <tr key={t.id} data-task-id={t.id}>
                <td>{formatTime(t.created_at)}</td>
                <td className="col-task">
                  <Link to={taskLink(t.id)} className="task-link">
                    <span className="task-type">{typeLabel(types, t.task_type)}</span>
                    {t.name && <span className="task-name">{t.name}</span>}
                  </Link>
                </td>
                <td className="mono">{formatDuration(t.duration_ms)}</td>
                <td>{t.user ?? '—'}</td>
                <td>
                  <StatusBadge status={t.status} progress={t.progress} error={t.error} />
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </section>
  );
}
