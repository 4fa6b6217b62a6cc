import { ViewportPortal, useStore, type ReactFlowState } from '@xyflow/react';
import { useEffect, useRef, useState } from 'react';
import { covers } from './graphWindow';
import { drawEdges, type Drawing } from './overviewDrawing';
import type { Bounds } from './viewport';

const transformSelector = (state: ReactFlowState) => state.transform;
const sizeSelector = (state: ReactFlowState) => `${state.width}x${state.height}`;
/** The sheet reaches this much of the view's size past each side of it, so a pan needs no redraw. */
const MARGIN = 0.5;
/**
 * A sheet drawn at one zoom serves zooms up to ZOOM_IN_SLACK closer (scaled up, a little soft)
 * and down to ZOOM_OUT_SLACK farther (scaled down, its lines thinner). Zooming out from the zoom
 * the graph opens at (OPENING_ZOOM) to where the canvas takes over (DETAIL_ZOOM) then needs no
 * new sheet: redrawing the sheet, four screens of edges, cost 20-25 ms of the wheel step that
 * also mounts the nodes coming into view.
 */
const ZOOM_IN_SLACK = 1.3;
const ZOOM_OUT_SLACK = 1.75;

/** How long the view rests before a sheet is centred on it again. */
const SETTLE_MS = 200;

/** `view` with `share` of its size added on every side. */
function grown(view: Bounds, share: number): Bounds {
  return { x: view.x - view.width * share, y: view.y - view.height * share, width: view.width * (1 + 2 * share), height: view.height * (1 + 2 * share) };
}

/** A sheet for `view` at `zoom`: the view and MARGIN of it on every side. */
function sheetAround(view: Bounds, zoom: number): { area: Bounds; zoom: number } {
  return { area: grown(view, MARGIN), zoom };
}

/**
 * A big graph's edges when zoomed in: one canvas sheet under React Flow's task nodes, inside its
 * viewport, so a pan moves it with the nodes and costs no drawing. It is drawn anew (the edges
 * that meet it, found through the grid) when the view leaves it or the zoom moves far from the
 * one it was drawn at, and, between gestures, around a view that rests off its centre.
 * Redrawing a screen-sized canvas on every pan frame cost each frame 20-25 ms of handing it to
 * the compositor; as SVG, a window's thousand edges (and their far ends as nodes) cost React
 * Flow 150-200 ms at each new window.
 */
export function GraphEdges({ drawing }: { drawing: Drawing }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [tx, ty, zoom] = useStore(transformSelector);
  const [width, height] = useStore(sizeSelector).split('x').map(Number);
  const [sheet, setSheet] = useState<{ area: Bounds; zoom: number } | null>(null);
  const view = { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
  const serves = sheet !== null && covers(sheet.area, view) && zoom / sheet.zoom <= ZOOM_IN_SLACK && sheet.zoom / zoom <= ZOOM_OUT_SLACK;

  // A new sheet as soon as the view needs one, before this render is drawn (React re-renders at once).
  if (!serves && width > 0) setSheet(sheetAround(view, zoom));

  // Once the view rests, a sheet it has moved near the edge of, or zoomed from, is drawn anew
  // around it: the next gesture then starts with the whole margin, and a pan followed by a zoom
  // out does not redraw the sheet in the wheel step that also mounts the nodes coming into view.
  useEffect(() => {
    if (!sheet || width === 0) return;
    const resting = { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
    if (sheet.zoom === zoom && covers(sheet.area, grown(resting, MARGIN / 2))) return;
    const timer = setTimeout(() => setSheet(sheetAround(resting, zoom)), SETTLE_MS);
    return () => clearTimeout(timer);
  }, [sheet, tx, ty, zoom, width, height]);

  useEffect(() => {
    const element = canvas.current;
    if (!element || !sheet) return;
    const scale = sheet.zoom * (window.devicePixelRatio || 1);
    element.width = Math.ceil(sheet.area.width * scale);
    element.height = Math.ceil(sheet.area.height * scale);
    const context = element.getContext('2d');
    if (!context) return;
    context.setTransform(scale, 0, 0, scale, -sheet.area.x * scale, -sheet.area.y * scale);
    drawEdges(context, drawing, sheet.area);
  }, [drawing, sheet]);

  if (!sheet) return null;
  return (
    <ViewportPortal>
      <canvas
        ref={canvas}
        className="graph-edges"
        aria-hidden="true"
        style={{ left: sheet.area.x, top: sheet.area.y, width: sheet.area.width, height: sheet.area.height }}
      />
    </ViewportPortal>
  );
}
