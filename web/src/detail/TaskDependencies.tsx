import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { graphQuery } from '../api/queries';

// React Flow and the layout worker load only for a task that has upstream or downstream tasks.
const TaskNeighbourhood = lazy(() => import('../graph/TaskNeighbourhood').then((m) => ({ default: m.TaskNeighbourhood })));

/**
 * The task's small dependency graph, when it has any edge; nothing otherwise. A task started
 * later that depends on this one gives it its first edge: the event bridge invalidates the
 * neighbourhood of every task a changed task links to.
 */
export function TaskDependencies({ taskId }: { taskId: string }) {
  const { data: linked = false } = useQuery({
    ...graphQuery(new URLSearchParams({ task: taskId, depth: '1' }).toString()),
    select: (answer) => answer.graph.edges.length > 0,
  });
  if (!linked) return null;
  return (
    <Suspense fallback={<p className="loading">Loading the dependencies…</p>}>
      <TaskNeighbourhood taskId={taskId} />
    </Suspense>
  );
}
