import { Link } from 'react-router';
import { DEFAULT_GRAPH_VIEW, graphLink, graphViewScope, graphViewToApiQuery, type GraphView } from './graphView';
import { TaskGraphView } from './TaskGraphView';
import { useTaskGraph } from './useTaskGraph';

/** How far the small graph of a task's page reaches each way. */
export const NEIGHBOURHOOD_DEPTH = 2;

/**
 * The small graph on a task's page: its upstream and downstream tasks two edges each way, live.
 * Its own chunk, loaded only for a task that has edges, so other task pages never load React Flow.
 */
export function TaskNeighbourhood({ taskId }: { taskId: string }) {
  const view: GraphView = { ...DEFAULT_GRAPH_VIEW, mode: 'task', target: taskId, depth: NEIGHBOURHOOD_DEPTH };
  const { state } = useTaskGraph(graphViewToApiQuery(view).toString(), graphViewScope(view));
  return (
    <section className="card neighbourhood" aria-labelledby="neighbourhood-title">
      <header className="neighbourhood-header">
        <h2 id="neighbourhood-title">Dependencies</h2>
        <Link to={graphLink('task', taskId)}>Open in the graph</Link>
      </header>
      {state.phase === 'ready' ? (
        <TaskGraphView model={state.model} requestedAt={state.requestedAt} focusId={taskId} compact />
      ) : state.phase === 'error' ? (
        <p className="banner banner-error">Could not load this task's dependencies.</p>
      ) : (
        <p className="loading">Loading the dependencies…</p>
      )}
    </section>
  );
}
