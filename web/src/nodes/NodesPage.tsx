import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { formatMemoryMb } from '../../../core/nodes';
import { nodesQuery } from '../api/queries';
import type { NodeInfo } from '../api/types';
import { ListPage } from '../components/ListPage';
import { formatAllocation, formatTime } from '../lib/format';

/** The nodes: whether Temporal sees each one's worker, what it has, how much of it its tasks hold, and which tasks. */
export function NodesPage() {
  const { data: nodes, error } = useQuery(nodesQuery);
  return (
    <ListPage
      title="Nodes"
      intro="Every worker process is a node. Health is what Temporal knows of its worker; load is what its tasks hold."
      items={nodes}
      error={error}
      empty="No node has joined yet: start a worker."
      headers={['Node', 'Health', 'Cores', 'Memory', 'GPUs', 'Running here']}
      tableClass="nodes"
      row={(node) => <NodeRow key={node.name} node={node} />}
    />
  );
}

function NodeRow({ node }: { node: NodeInfo }) {
  return (
    <tr data-node={node.name} data-alive={node.alive}>
      <th scope="row">
        <Link to={`/?node=${encodeURIComponent(node.name)}`} title={`Tasks of node ${node.name}`}>
          {node.name}
        </Link>
        <span className="node-queues mono">{node.task_queues.join(', ')}</span>
      </th>
      <td>
        <span className={`node-health ${node.alive ? 'node-up' : 'node-down'}`}>{node.alive ? 'Up' : 'Down'}</span>
        <span className="node-seen" title={`From ${node.health_source}`}>
          {node.last_seen ? `seen ${formatTime(node.last_seen)}` : 'never seen'}
        </span>
      </td>
      <td>
        <Load label={`${node.name} cores`} used={node.used.cores} total={node.cores} text={`${node.used.cores} / ${node.cores}`} />
      </td>
      <td>
        <Load label={`${node.name} memory`} used={node.used.memory_mb} total={node.memory_mb} text={`${formatMemoryMb(node.used.memory_mb)} / ${formatMemoryMb(node.memory_mb)}`} />
      </td>
      <td className="mono">
        {node.gpus.length === 0 ? '—' : node.gpus.map((g) => (node.used.gpus.includes(g) ? `${g}●` : `${g}○`)).join(' ')}
      </td>
      <td>
        {node.tasks.length === 0 ? (
          <span className="muted">idle{node.waiting ? `, ${node.waiting} waiting` : ''}</span>
        ) : (
          <ul className="node-tasks">
            {node.tasks.map((t) => (
              <li key={t.task_id}>
                <Link to={`/tasks/${encodeURIComponent(t.task_id)}`} className="mono">
                  {t.task_id.slice(0, 8)}
                </Link>{' '}
                <span className="muted">{formatAllocation(t)}</span>
              </li>
            ))}
            {node.waiting > 0 && <li className="muted">{node.waiting} waiting</li>}
          </ul>
        )}
      </td>
    </tr>
  );
}

/** A bar of how much of a node's resource its tasks hold. */
function Load({ label, used, total, text }: { label: string; used: number; total: number; text: string }) {
  const share = total ? Math.min(1, used / total) : 0;
  return (
    <span className="load">
      <span className="load-bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={total} aria-valuenow={used}>
        <span className="load-fill" style={{ width: `${Math.round(share * 100)}%` }} />
      </span>
      <span className="load-text mono">{text}</span>
    </span>
  );
}
