import { Handle, Position, type NodeProps } from '@xyflow/react';
import { createContext, memo, useContext } from 'react';
import { Link } from 'react-router';
import { STATUS_LABEL } from '../../../core/statuses';
import { durationAt, isCounting } from '../lib/duration';
import { formatDuration } from '../lib/format';
import { useNow } from '../lib/useNow';
import type { TaskFlowNode } from './graphModel';

/** Below this zoom a node's text is too small to read: nodes draw as coloured boxes, which is also far cheaper. */
export const DETAIL_ZOOM = 0.45;

/**
 * What every node needs from the graph, given once: labels of task types, the task a small
 * graph is about, and whether the zoom is past DETAIL_ZOOM (one value that changes only there,
 * rather than a store subscription per node run on every pan and zoom frame).
 */
export interface TaskNodeContext {
  typeLabel: (id: string) => string;
  focusId?: string;
  detailed: boolean;
  /** Where a node links to: its task's page, unless the graph draws something else (definitions). */
  linkOf: (id: string) => string;
  /** Expands a collapsed group (its node's id); absent where groups never collapse. */
  onExpand?: (key: string) => void;
  /**
   * Whether nodes carry React Flow's handles, where its edges end: only when React Flow draws the
   * edges. A big graph's are on a canvas, and each handle is two more components, one of them
   * subscribed to React Flow's store, mounted with every node that comes into view.
   */
  handles: boolean;
}

export const taskPage = (id: string): string => `/tasks/${encodeURIComponent(id)}`;
export const TaskNodeContext = createContext<TaskNodeContext>({ typeLabel: (id) => id, detailed: true, linkOf: taskPage, handles: true });

/**
 * A task in the graph: name (or type and short id), type, status and progress, and duration
 * (ticking while the task runs). The whole node links to the task's page. Memoized: a live
 * update re-renders only the node whose data changed.
 */
function TaskNodeView({ id, data }: NodeProps<TaskFlowNode>) {
  const { typeLabel, focusId, detailed, linkOf, handles } = useContext(TaskNodeContext);
  const { task, receivedAt, blockedReason } = data;
  const counting = isCounting(task);
  const now = useNow(counting && detailed);
  const type = typeLabel(task.task_type);
  const title = task.name ?? `${type} ${id.slice(0, 8)}`;
  const classes = [
    'task-node',
    `task-node-${task.status}`,
    blockedReason ? 'task-node-blocked' : '',
    task.critical ? 'task-node-critical' : '',
    focusId === id ? 'task-node-focus' : '',
    detailed ? '' : 'task-node-lod',
  ]
    .filter(Boolean)
    .join(' ');
  const tooltip = [`${title} · ${STATUS_LABEL[task.status]} ${task.progress}%`, task.error, blockedReason, task.critical ? 'On the critical path' : null]
    .filter(Boolean)
    .join('\n');

  return (
    <Link to={linkOf(id)} className={classes} title={tooltip} data-status={task.status} data-blocked={blockedReason ? 'true' : undefined}>
      {handles && <Handle type="target" position={Position.Left} isConnectable={false} />}
      {detailed && (
        <>
          <span className="task-node-head">
            {counting && <span className="pulse" aria-hidden="true" />}
            <span className="task-node-name">{title}</span>
            {blockedReason && <span className="task-node-flag">Blocked</span>}
            {focusId === id && <span className="task-node-flag task-node-flag-focus">This task</span>}
          </span>
          <span className="task-node-meta">
            <span>{type}</span>
            <span className="mono">{id.slice(0, 8)}</span>
          </span>
          <span className="task-node-status">
            <span className={`badge badge-${task.status}`}>
              {STATUS_LABEL[task.status]}
              <span className="badge-progress">{task.progress}%</span>
            </span>
            <span className="task-node-duration mono" data-testid="node-duration">
              {formatDuration(durationAt(task, receivedAt, now))}
            </span>
          </span>
          <span className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={task.progress} aria-label={`${title} progress`}>
            <span className={`progress-bar progress-${task.status}`} style={{ width: `${task.progress}%` }} />
          </span>
        </>
      )}
      {handles && <Handle type="source" position={Position.Right} isConnectable={false} />}
    </Link>
  );
}

export const TaskNode = memo(TaskNodeView);
