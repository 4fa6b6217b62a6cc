import { ViewportPortal, useStore, type ReactFlowState } from '@xyflow/react';
import { useEffect, useRef, useState } from 'react';
import { covers } from './graphWindow';
import { drawEdges, type Drawing } from './overviewDrawing';
import type { Bounds } from './viewport';

const transformSelector = (state: ReactFlowState) => state.transform;
const sizeSelector = (state: ReactFlowState) => `${state.width}x${state.height}`;
/** The sheet reaches this much of the view's size past each side of it, so a pan needs no redraw. */
const MARGIN = 0.5;
/** A sheet drawn at one zoom serves zooms up to this factor away (scaled, a little soft). */
const ZOOM_SLACK = 1.3;

/**
 * A big graph's edges when zoomed in: one canvas sheet under React Flow's task nodes, inside its
 * viewport, so a pan moves it with the nodes and costs no drawing. It is drawn anew (the edges
 * that meet it, found through the grid) only when the view leaves it or the zoom moves far from
 * the one it was drawn at. Redrawing a screen-sized canvas on every pan frame cost each frame
 * 20-25 ms of handing it to the compositor; as SVG, a window's thousand edges (and their far
 * ends as nodes) cost React Flow 150-200 ms at each new window.
 */
export function GraphEdges({ drawing }: { drawing: Drawing }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [tx, ty, zoom] = useStore(transformSelector);
  const [width, height] = useStore(sizeSelector).split('x').map(Number);
  const [sheet, setSheet] = useState<{ area: Bounds; zoom: number } | null>(null);
  const view = { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
  const serves = sheet !== null && covers(sheet.area, view) && Math.max(zoom / sheet.zoom, sheet.zoom / zoom) <= ZOOM_SLACK;

  // A new sheet as soon as the view needs one, before this render is drawn (React re-renders at once).
  if (!serves && width > 0) {
    setSheet({ area: { x: view.x - view.width * MARGIN, y: view.y - view.height * MARGIN, width: view.width * (1 + 2 * MARGIN), height: view.height * (1 + 2 * MARGIN) }, zoom });
  }

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
