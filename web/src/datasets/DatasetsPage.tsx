import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { errorMessage } from '../api/client';
import { datasetsQuery } from '../api/queries';
import { formatTime } from '../lib/format';
import { DatasetStatusBadge } from './DatasetStatus';
import { HolderLinks, formatBytes } from './DatasetPage';

/**
 * `/datasets`: every dataset of the store with its status under the concurrency rules (Ready,
 * Read Only, Partial Index), the tasks that hold it, and links to its page and its tasks. Kept
 * fresh by the live events of dataset tasks.
 */
export function DatasetsPage() {
  const { data: datasets, error } = useQuery(datasetsQuery);
  return (
    <section className="page" aria-labelledby="datasets-title">
      <header className="page-header">
        <h1 id="datasets-title">Datasets</h1>
        <Link to="/submit?type=dataset_creation" className="button button-primary">
          Create a dataset
        </Link>
      </header>
      {error && !datasets && <p className="banner banner-error">Could not load the datasets: {errorMessage(error)}</p>}
      {!datasets && !error && <p className="loading">Loading datasets…</p>}
      {datasets?.length === 0 && (
        <div className="empty">
          <p>No dataset yet. A Dataset Creation task makes one.</p>
        </div>
      )}
      {datasets && datasets.length > 0 && (
        <div className="table-scroll">
          <table className="tasks datasets-table">
            <thead>
              <tr>
                <th scope="col">Dataset</th>
                <th scope="col">Dataset ID</th>
                <th scope="col">Status</th>
                <th scope="col">Held by</th>
                <th scope="col">Items</th>
                <th scope="col">Size</th>
                <th scope="col">Updated</th>
                <th scope="col">Tasks</th>
              </tr>
            </thead>
            <tbody>
              {datasets.map((d) => (
                <tr key={d.id} data-dataset-id={d.id}>
                  <td>
                    <Link to={`/datasets/${encodeURIComponent(d.id)}`} className="task-name">
                      {d.name}
                    </Link>
                  </td>
                  <td className="mono">{d.id}</td>
                  <td>
                    <DatasetStatusBadge status={d.status} label={d.status_label} />
                  </td>
                  <td>{d.holders.length ? <HolderLinks holders={d.holders} /> : '—'}</td>
                  <td className="mono">{d.media_count.toLocaleString()}</td>
                  <td className="mono">{formatBytes(d.bytes)}</td>
                  <td>{formatTime(d.updated_at)}</td>
                  <td>
                    <Link to={`/?dataset_id=${encodeURIComponent(d.id)}`}>{d.tasks.length >= 20 ? '20+' : d.tasks.length} in the table</Link>
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
