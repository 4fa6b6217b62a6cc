import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo, useContext } from 'react';
import { STATUS_LABEL, TASK_STATUSES } from '../../../core/statuses';
import type { TaskFlowNode } from './graphModel';
import { statusFill } from './graphColours';
import { countsText } from './graphGroups';
import { TaskNodeContext } from './TaskNode';

export const GROUP_KIND_LABEL = { pipeline: 'Pipeline', batch: 'Batch', schedule: 'Schedule' } as const;

/**
 * A collapsed group (a pipeline, a batch or a schedule's runs) as one node: its name, how many
 * tasks it holds and in which statuses, as a bar and in words. A click expands it in place.
 */
function GroupNodeView({ id, data }: NodeProps<TaskFlowNode>) {
  const { detailed, onExpand, handles } = useContext(TaskNodeContext);
  const { task, group } = data;
  const { total, counts } = group!;
  const kind = GROUP_KIND_LABEL[group!.group.kind];
  const classes = ['task-node', 'group-node', `task-node-${task.status}`, task.critical ? 'task-node-critical' : '', detailed ? '' : 'task-node-lod'].filter(Boolean).join(' ');
  const words = countsText(counts);
  return (
    <button
      type="button"
      className={classes}
      data-status={task.status}
      data-group={group!.group.kind}
      title={`${kind} ${task.name}: ${total} tasks (${words}). Click to expand.`}
      aria-label={`Expand ${kind.toLowerCase()} ${task.name}, ${total} tasks`}
      onClick={() => onExpand?.(id)}
    >
      {handles && <Handle type="target" position={Position.Left} isConnectable={false} />}
      {detailed && (
        <>
          <span className="task-node-head">
            <span className="group-node-kind">{kind}</span>
            <span className="task-node-name">{task.name}</span>
          </span>
          <span className="task-node-meta">
            <span data-testid="group-total">{total.toLocaleString()} tasks</span>
            <span>{STATUS_LABEL[task.status]}</span>
          </span>
          <span className="group-node-bar" aria-hidden="true">
            {TASK_STATUSES.filter((status) => counts[status]).map((status) => (
              <span key={status} style={{ flexGrow: counts[status], background: statusFill(status) }} />
            ))}
          </span>
          <span className="group-node-counts" data-testid="group-counts">
            {words}
          </span>
        </>
      )}
      {handles && <Handle type="source" position={Position.Right} isConnectable={false} />}
    </button>
  );
}

export const GroupNode = memo(GroupNodeView);
