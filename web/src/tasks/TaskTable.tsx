import { Link } from 'react-router';
import { isFinished } from '../../../core/statuses';
import type { TaskType } from '../api/types';
import { ActionsMenu } from '../components/ActionsMenu';
import { LifecycleChain } from '../components/LifecycleChain';
import { StatusBadge } from '../components/StatusBadge';
import { durationAt, isCounting } from '../lib/duration';
import { formatAllocation, formatDuration, formatTime } from '../lib/format';
import { typeLabel } from '../lib/taskTypes';
import { useNow } from '../lib/useNow';
import type { SortColumn, TableView } from './filters';
import type { Row } from './useTaskList';

interface Props {
  rows: Row[];
  view: TableView;
  types: TaskType[] | undefined;
  onSort: (column: SortColumn) => void;
  /** Ids of the rows selected for a bulk action. */
  selected: ReadonlySet<string>;
  onSelect: (ids: string[], on: boolean) => void;
}

const COLUMNS: { key: string; label: string; sort?: SortColumn }[] = [
  { key: 'select', label: '' },
  { key: 'time', label: 'Time', sort: 'time' },
  { key: 'task', label: 'Task', sort: 'task_type' },
  { key: 'dataset', label: 'Dataset', sort: 'dataset' },
  { key: 'dataset_id', label: 'Dataset ID' },
  { key: 'duration', label: 'Duration', sort: 'duration' },
  { key: 'user', label: 'User' },
  { key: 'status', label: 'Status', sort: 'status' },
  { key: 'node', label: 'Node' },
  { key: 'allocation', label: 'Resources' },
  { key: 'exit_code', label: 'Exit code' },
  { key: 'lifecycle', label: 'Lifecycle' },
  { key: 'actions', label: 'Actions' },
];

export function TaskTable({ rows, view, types, onSort, selected, onSelect }: Props) {
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.task.id));
  // One clock for the whole table, ticking only while some row's duration grows.
  const now = useNow(rows.some((r) => isCounting(r.task)));
  return (
    <div className="table-scroll">
      <table className="tasks">
        <thead>
          <tr>
            {COLUMNS.map((c) => {
              const sorted = c.sort !== undefined && view.sort === c.sort;
              return (
                <th key={c.key} scope="col" className={`col-${c.key}`} aria-sort={sorted ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {c.key === 'select' ? (
                    <input
                      type="checkbox"
                      aria-label="Select every task on this page"
                      checked={allSelected}
                      onChange={(e) => onSelect(rows.map((r) => r.task.id), e.target.checked)}
                    />
                  ) : c.sort ? (
                    <button type="button" className="sort" onClick={() => onSort(c.sort!)}>
                      {c.label}
                      <span className="sort-mark" aria-hidden="true">
                        {sorted ? (view.order === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map(({ task, receivedAt }) => (
            <tr key={task.id} data-task-id={task.id} data-status={task.status}>
              <td className="col-select">
                <input type="checkbox" aria-label={`Select ${task.name ?? task.id}`} checked={selected.has(task.id)} onChange={(e) => onSelect([task.id], e.target.checked)} />
              </td>
              <td className="col-time">{formatTime(task.created_at)}</td>
              <td className="col-task">
                <Link to={`/tasks/${encodeURIComponent(task.id)}`} className="task-link">
                  <span className="task-type">{typeLabel(types, task.task_type)}</span>
                  {task.name && <span className="task-name">{task.name}</span>}
                </Link>
              </td>
              <td className="col-dataset">
                {task.dataset ? (
                  <Link to={`/?dataset=${encodeURIComponent(task.dataset)}`} title={`Tasks of dataset ${task.dataset}`}>
                    {task.dataset}
                  </Link>
                ) : (
                  '—'
                )}
              </td>
              <td className="col-dataset_id mono">{task.dataset_id ?? '—'}</td>
              <td className="col-duration mono">{formatDuration(durationAt(task, receivedAt, now))}</td>
              <td className="col-user">{task.user ?? '—'}</td>
              <td className="col-status">
                <StatusBadge status={task.status} progress={task.progress} error={task.error} />
                {/* What a live task is doing or waiting for, e.g. "Waiting for the GPU, 2 ahead". */}
                {task.message && !isFinished(task.status) && (
                  <span className="status-message" title={task.message}>
                    {task.message}
                  </span>
                )}
              </td>
              <NodeCells task={task} />
              <td className="col-lifecycle">
                <LifecycleChain status={task.status} failedStep={task.failed_step} />
              </td>
              <td className="col-actions">
                <ActionsMenu task={task} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Where the task runs and what it holds there (issue 18), and how its process exited. */
function NodeCells({ task }: { task: Row['task'] }) {
  return (
    <>
      <td className="col-node">
        {task.node ? (
          <Link to={`/?node=${encodeURIComponent(task.node)}`} title={`Tasks of node ${task.node}`}>
            {task.node}
          </Link>
        ) : (
          '—'
        )}
      </td>
      <td className="col-allocation">{formatAllocation(task.allocation)}</td>
      <td className="col-exit_code mono">{task.exit_code ?? '—'}</td>
    </>
  );
}
