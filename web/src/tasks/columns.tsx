import type { ReactNode } from 'react';
import { Link } from 'react-router';
import { isFinished } from '../../../core/statuses';
import type { TaskType } from '../api/types';
import { ActionsMenu } from '../components/ActionsMenu';
import { LifecycleChain } from '../components/LifecycleChain';
import { OriginBadge } from '../components/OriginBadge';
import { StatusBadge } from '../components/StatusBadge';
import { durationAt } from '../lib/duration';
import { formatAllocation, formatDuration, formatTime } from '../lib/format';
import { typeLabel } from '../lib/taskTypes';
import type { SortColumn } from './filters';
import type { Row } from './useTaskList';

/** What a cell is drawn from: the row, the table's clock and the task-type catalog. */
export interface CellContext extends Row {
  now: number;
  types: TaskType[] | undefined;
}

/**
 * One column of the task table. The table draws whatever columns are shown, in this order; the
 * column chooser shows or hides any with `label`. A column added here is in the chooser at once.
 */
export interface Column {
  key: string;
  label: string;
  sort?: SortColumn;
  cell: (row: CellContext) => ReactNode;
  /** A cell in a monospace font (ids, times, durations). */
  mono?: boolean;
}

const dash = (value: string | null | undefined): ReactNode => value || '—';
const time = (iso: string | null): ReactNode => (iso ? <time dateTime={iso}>{formatTime(iso)}</time> : '—');

export const COLUMNS: Column[] = [
  { key: 'time', label: 'Time', sort: 'time', cell: ({ task }) => time(task.created_at) },
  {
    key: 'task',
    label: 'Task',
    sort: 'task_type',
    cell: ({ task, types }) => (
      <>
        <Link to={`/tasks/${encodeURIComponent(task.id)}`} className="task-link">
          <span className="task-type">{typeLabel(types, task.task_type)}</span>
          {task.name && <span className="task-name">{task.name}</span>}
        </Link>
        <OriginBadge task={task} />
      </>
    ),
  },
  {
    key: 'group',
    label: 'Group',
    cell: ({ task }) =>
      task.group ? (
        <Link to={`/?group=${encodeURIComponent(task.group)}`} title={`Runs of group ${task.group}`}>
          {task.group}
        </Link>
      ) : (
        '—'
      ),
  },
  { key: 'trigger_time', label: 'Trigger Time', cell: ({ task }) => time(task.trigger_time) },
  {
    key: 'dataset',
    label: 'Dataset',
    sort: 'dataset',
    // The dataset's page (its status, what holds it, snapshots, tasks); a label with no dataset
    // ID behind it filters the table instead.
    cell: ({ task }) =>
      task.dataset_id ? (
        <Link to={`/datasets/${encodeURIComponent(task.dataset_id)}`} title={`Dataset ${task.dataset ?? task.dataset_id}: status, snapshots and tasks`}>
          {task.dataset ?? task.dataset_id}
        </Link>
      ) : task.dataset ? (
        <Link to={`/?dataset=${encodeURIComponent(task.dataset)}`} title={`Tasks of dataset ${task.dataset}`}>
          {task.dataset}
        </Link>
      ) : (
        '—'
      ),
  },
  { key: 'dataset_id', label: 'Dataset ID', mono: true, cell: ({ task }) => dash(task.dataset_id) },
  { key: 'duration', label: 'Duration', sort: 'duration', mono: true, cell: ({ task, receivedAt, now }) => formatDuration(durationAt(task, receivedAt, now)) },
  { key: 'user', label: 'User', cell: ({ task }) => dash(task.user) },
  {
    key: 'status',
    label: 'Status',
    sort: 'status',
    cell: ({ task }) => (
      <>
        <StatusBadge status={task.status} progress={task.progress} error={task.error} />
        {/* What a live task is doing or waiting for, e.g. "Waiting for the GPU, 2 ahead". */}
        {task.message && !isFinished(task.status) && (
          <span className="status-message" title={task.message}>
            {task.message}
          </span>
        )}
      </>
    ),
  },
  {
    key: 'node',
    label: 'Node',
    cell: ({ task }) =>
      task.node ? (
        <Link to={`/?node=${encodeURIComponent(task.node)}`} title={`Tasks of node ${task.node}`}>
          {task.node}
        </Link>
      ) : (
        '—'
      ),
  },
  { key: 'allocation', label: 'Resources', cell: ({ task }) => formatAllocation(task.allocation) },
  { key: 'exit_code', label: 'Exit code', mono: true, cell: ({ task }) => task.exit_code ?? '—' },
  { key: 'lifecycle', label: 'Lifecycle', cell: ({ task }) => <LifecycleChain status={task.status} failedStep={task.failed_step} scheduled={task.origin === 'scheduled'} /> },
  { key: 'agent', label: 'Agent', mono: true, cell: ({ task }) => dash(task.agent) },
  { key: 'started', label: 'Started', cell: ({ task }) => time(task.started_at) },
  { key: 'finished', label: 'Finished', cell: ({ task }) => time(task.end_date) },
  {
    key: 'logs',
    label: 'Logs',
    cell: ({ task }) => (
      <Link to={`/tasks/${encodeURIComponent(task.id)}#logs`} aria-label={`Logs of ${task.name ?? task.id}`}>
        Logs
      </Link>
    ),
  },
  { key: 'actions', label: 'Actions', cell: ({ task }) => <ActionsMenu task={task} /> },
];

/** Two layouts one click away: the Visual Layer task manager's and the Task Runs page's. */
export const LAYOUTS = {
  'Visual Layer': ['time', 'task', 'dataset', 'dataset_id', 'duration', 'user', 'status', 'lifecycle', 'actions'],
  'Task Runs': ['task', 'group', 'trigger_time', 'lifecycle', 'status', 'agent', 'started', 'finished', 'duration', 'logs'],
} as const satisfies Record<string, readonly string[]>;

export const DEFAULT_COLUMNS: readonly string[] = LAYOUTS['Visual Layer'];
