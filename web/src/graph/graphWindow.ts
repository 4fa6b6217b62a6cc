import type { GraphModel, TaskFlowNode } from './graphModel';
import { nodesIn } from './spatialGrid';
import type { Bounds, Size, Viewport } from './viewport';

/**
 * React Flow keeps every node it is given in its store and walks all of them on each change;
 * at 5,000 tasks that alone costs hundreds of milliseconds. A big graph therefore hands React
 * Flow only a window: the tasks around the visible area (its edges are on a canvas). The window is cut around the view as large as it gets before nodes give way to
 * the canvas (so zooming out needs no new window), with half that again on every side, and is
 * cut anew once the view leaves it.
 */
export interface GraphWindow {
  /** The area covered, in graph coordinates. */
  area: Bounds;
  nodes: TaskFlowNode[];
}

/** The visible area of the graph for a viewport of a screen. */
export function visibleArea(viewport: Viewport, screen: Size): Bounds {
  return { x: -viewport.x / viewport.zoom, y: -viewport.y / viewport.zoom, width: screen.width / viewport.zoom, height: screen.height / viewport.zoom };
}

/** Whether `inner` lies inside `outer`, so the window around `outer` still serves a view of `inner`. */
export function covers(outer: Bounds, inner: Bounds): boolean {
  return inner.x >= outer.x && inner.y >= outer.y && inner.x + inner.width <= outer.x + outer.width && inner.y + inner.height <= outer.y + outer.height;
}

/** What a window is cut around: the view, grown about its centre to its size at `farthestZoom`. */
export function windowBasis(view: Bounds, zoom: number, farthestZoom: number): Bounds {
  const grow = Math.max(1, zoom / farthestZoom);
  const width = view.width * grow;
  const height = view.height * grow;
  return { x: view.x + (view.width - width) / 2, y: view.y + (view.height - height) / 2, width, height };
}

/** Whether a new window is needed: the view left the window, or the window is far larger than its basis needs. */
export function needsNewWindow(window: GraphWindow | null, view: Bounds, basis: Bounds): boolean {
  return window === null || !covers(window.area, view) || basis.width * 4 < window.area.width;
}

/** The window cut around `basis` (see windowBasis), from the model's grid: only the cells it covers are visited. */
export function graphWindow(model: Pick<GraphModel, 'nodes' | 'x' | 'y' | 'grid'>, basis: Bounds): GraphWindow {
  const area = { x: basis.x - basis.width / 2, y: basis.y - basis.height / 2, width: basis.width * 2, height: basis.height * 2 };
  return { area, nodes: nodesIn(model.grid, model.x, model.y, area).sort((a, b) => a - b).map((i) => model.nodes[i]) };
}

/** The node under a point of the flow (graph coordinates), for clicks and hovers on the canvas. */
export function nodeAt(model: Pick<GraphModel, 'nodes' | 'x' | 'y' | 'grid'>, point: { x: number; y: number }): TaskFlowNode | undefined {
  const [i] = nodesIn(model.grid, model.x, model.y, { ...point, width: 0, height: 0 });
  return i === undefined ? undefined : model.nodes[i];
}
