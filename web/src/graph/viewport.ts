import { NODE_HEIGHT, NODE_WIDTH } from './elkLayout';

export interface Bounds {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
}

/** Room around the graph when it is fitted, in screen pixels. */
const PADDING = 32;
/** Never enlarge a small graph past its natural size. */
const MAX_FIT_ZOOM = 1;
/**
 * A graph that fits the screen only below this zoom opens on its beginning at a readable zoom
 * instead (fit view shows all of it). Past this, a fitted graph is dots, and drawing all of
 * them would make the first paint wait for thousands of nodes.
 */
export const OVERVIEW_MIN_ZOOM = 0.2;
export const OPENING_ZOOM = 0.75;

/** Where the laid-out tasks lie (task i's top-left corner at x[i], y[i]). */
export function graphBounds({ x, y }: { x: ArrayLike<number>; y: ArrayLike<number> }): Bounds {
  if (x.length === 0) return { x: 0, y: 0, width: 0, height: 0 };
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  for (let i = 0; i < x.length; i++) {
    minX = Math.min(minX, x[i]);
    minY = Math.min(minY, y[i]);
    maxX = Math.max(maxX, x[i] + NODE_WIDTH);
    maxY = Math.max(maxY, y[i] + NODE_HEIGHT);
  }
  return { x: minX, y: minY, width: maxX - minX, height: maxY - minY };
}

export interface Size {
  width: number;
  height: number;
}

/** All of the graph, centred, as large as fits (but never past its natural size). */
export function fitViewport(bounds: Bounds, screen: Size, minZoom = 0): Viewport {
  const fit = Math.min((screen.width - 2 * PADDING) / Math.max(bounds.width, 1), (screen.height - 2 * PADDING) / Math.max(bounds.height, 1), MAX_FIT_ZOOM);
  const zoom = Math.max(fit, minZoom);
  return { zoom, x: (screen.width - bounds.width * zoom) / 2 - bounds.x * zoom, y: (screen.height - bounds.height * zoom) / 2 - bounds.y * zoom };
}

/**
 * Where the graph opens: all of it when it fits at a zoom where tasks are still shapes;
 * otherwise, at a readable zoom, `focus` (the start of the critical path, or the task a small
 * graph is about) at the left edge, or else the graph's left edge.
 */
export function initialViewport(bounds: Bounds, screen: Size, focus?: { x: number; y: number }): Viewport {
  const fit = fitViewport(bounds, screen);
  if (fit.zoom >= OVERVIEW_MIN_ZOOM) return fit;
  const zoom = OPENING_ZOOM;
  const start = focus ?? { x: bounds.x, y: bounds.y + bounds.height / 2 - NODE_HEIGHT / 2 };
  return { zoom, x: PADDING - start.x * zoom, y: screen.height / 2 - (start.y + NODE_HEIGHT / 2) * zoom };
}
