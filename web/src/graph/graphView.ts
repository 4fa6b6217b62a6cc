import { DEFAULT_GRAPH_DEPTH, MAX_GRAPH_DEPTH, type GraphScope } from '../../../core/graph';
import { TIME_WINDOWS } from '../tasks/filters';

/**
 * What the graph page draws, kept in its URL (`/graph?pipeline=…`) so a view can be shared and
 * reloaded: one pipeline, one batch, one task's neighbourhood, or (none of them) every task
 * that has an edge in the time window.
 */
export type GraphMode = 'all' | 'pipeline' | 'batch' | 'task';

export interface GraphView {
  mode: GraphMode;
  /** The pipeline, batch or task id; empty in mode `all`. */
  target: string;
  /** For a task's neighbourhood: how many edges to follow each way. */
  depth: number;
  within_hours: number;
}

export const GRAPH_MODES: readonly GraphMode[] = ['all', 'pipeline', 'batch', 'task'];
export const DEFAULT_GRAPH_VIEW: GraphView = { mode: 'all', target: '', depth: DEFAULT_GRAPH_DEPTH, within_hours: 336 };

const TARGETED = ['pipeline', 'batch', 'task'] as const;

export function graphViewFromUrl(params: URLSearchParams): GraphView {
  const view = { ...DEFAULT_GRAPH_VIEW };
  const mode = TARGETED.find((m) => params.get(m));
  if (mode) {
    view.mode = mode;
    view.target = params.get(mode)!;
  }
  const depth = Number(params.get('depth'));
  // A depth past the limit draws as far as the graph goes, and the page says so (depthNotice).
  if (Number.isInteger(depth) && depth >= 1) view.depth = Math.min(depth, MAX_GRAPH_DEPTH);
  const hours = Number(params.get('within_hours'));
  if (TIME_WINDOWS.some((w) => w.hours === hours)) view.within_hours = hours;
  return view;
}

/** What the page says when the URL asks for more edges than the graph follows; undefined otherwise. */
export function depthNotice(params: URLSearchParams): string | undefined {
  const depth = Number(params.get('depth'));
  if (!params.get('task') || !Number.isInteger(depth) || depth <= MAX_GRAPH_DEPTH) return undefined;
  return `Depth ${depth} is more than the graph follows: showing ${MAX_GRAPH_DEPTH} edges each way, the most it draws.`;
}

/** The page URL's query: only what differs from the defaults. */
export function graphViewToUrl(view: GraphView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.mode !== 'all' && view.target) params.set(view.mode, view.target);
  if (view.mode === 'task' && view.depth !== DEFAULT_GRAPH_DEPTH) params.set('depth', String(view.depth));
  if (view.within_hours !== DEFAULT_GRAPH_VIEW.within_hours) params.set('within_hours', String(view.within_hours));
  return params;
}

/** The `GET /graph` query of a view. */
export function graphViewToApiQuery(view: GraphView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.mode !== 'all') params.set(view.mode, view.target);
  if (view.mode === 'task') params.set('depth', String(view.depth));
  params.set('within_hours', String(view.within_hours));
  return params;
}

/** The view as core's scope, to tell which new tasks belong in the drawing. */
export function graphViewScope(view: GraphView): GraphScope {
  const scope: GraphScope = { within_hours: view.within_hours };
  if (view.mode === 'pipeline') scope.pipeline = view.target;
  if (view.mode === 'batch') scope.batch = view.target;
  if (view.mode === 'task') {
    scope.task = view.target;
    scope.depth = view.depth;
  }
  return scope;
}

/** A view that names a pipeline, batch or task but no id yet has nothing to ask for. */
export function isComplete(view: GraphView): boolean {
  return view.mode === 'all' || view.target.trim() !== '';
}

/** Links to the graph from other pages. */
export const graphLink = (mode: Exclude<GraphMode, 'all'>, id: string): string => `/graph?${new URLSearchParams({ [mode]: id })}`;
