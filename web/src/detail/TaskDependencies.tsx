import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import { useTaskEvents } from '../live/taskEvents';

// React Flow and the layout worker load only for a task that has upstream or downstream tasks.
const TaskNeighbourhood = lazy(() => import('../graph/TaskNeighbourhood').then((m) => ({ default: m.TaskNeighbourhood })));

/** The task's small dependency graph, when it has any edge; nothing otherwise. */
export function TaskDependencies({ taskId }: { taskId: string }) {
  const [linked, setLinked] = useState(false);
  const [generation, setGeneration] = useState(0);
  const check = useCallback(() => setGeneration((g) => g + 1), []);

  useEffect(() => {
    const controller = new AbortController();
    api.graph(new URLSearchParams({ task: taskId, depth: '1' }).toString(), controller.signal).then(
      (graph) => setLinked(graph.edges.length > 0),
      () => undefined,
    );
    return () => controller.abort();
  }, [taskId, generation]);

  // A task started later that depends on this one gives it its first edge.
  useTaskEvents((event) => {
    if (!linked && event.kind === 'task' && (event.task.depends_on.includes(taskId) || event.task.triggered_by === taskId)) check();
  });

  if (!linked) return null;
  return (
    <Suspense fallback={<p className="loading">Loading the dependencies…</p>}>
      <TaskNeighbourhood taskId={taskId} />
    </Suspense>
  );
}
