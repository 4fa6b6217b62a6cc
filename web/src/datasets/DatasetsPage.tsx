import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { datasetsQuery } from '../api/queries';
import { ListPage } from '../components/ListPage';
import { formatBytes, formatTime } from '../lib/format';
import { DatasetStatusBadge, HolderLinks } from './DatasetStatus';

/** `GET /datasets` gives each dataset's newest tasks, at most this many. */
const LISTED_TASKS = 20;

/**
 * `/datasets`: every dataset of the store with its status under the concurrency rules (Ready,
 * Read Only, Partial Index), the tasks that hold it, and links to its page and its tasks. Kept
 * fresh by the live events of dataset tasks.
 */
export function DatasetsPage() {
  const { data: datasets, error } = useQuery(datasetsQuery);
  return (
    <ListPage
      title="Datasets"
      action={
        <Link to="/submit?type=dataset_creation" className="button button-primary">
          Create a dataset
        </Link>
      }
      items={datasets}
      error={error}
      empty={<p>No dataset yet. A Dataset Creation task makes one.</p>}
      headers={['Dataset', 'Dataset ID', 'Status', 'Held by', 'Items', 'Size', 'Updated', 'Tasks']}
      tableClass="datasets-table"
      row={(d) => (
        <tr key={d.id} data-dataset-id={d.id}>
          <td>
            <Link to={`/datasets/${encodeURIComponent(d.id)}`} className="dataset-link">
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
            <Link to={`/?dataset_id=${encodeURIComponent(d.id)}`}>{d.tasks.length >= LISTED_TASKS ? `${LISTED_TASKS}+` : d.tasks.length} in the table</Link>
          </td>
        </tr>
      )}
    />
  );
}
