import { useStore, type ReactFlowState } from '@xyflow/react';
import { useEffect, useRef, useState } from 'react';
import { rasterInWorker } from './layout';
import { VECTOR_MAX_NODES, drawGraph, type Drawing, type Raster } from './overviewDrawing';
import { nodesAbout } from './spatialGrid';
import { graphBounds } from './viewport';

const transformSelector = (state: ReactFlowState) => state.transform;
const sizeSelector = (state: ReactFlowState) => `${state.width}x${state.height}`;

/**
 * A big graph seen from far out, drawn on one canvas instead of thousands of DOM nodes and SVG
 * paths: panning or zooming then costs one redraw of what is in view (found through the grid),
 * where the DOM would re-lay out and repaint every element and freeze the page for seconds.
 * With more than VECTOR_MAX_NODES tasks in view, it copies the raster of the whole graph instead.
 */
export function GraphOverview({ drawing, raster }: { drawing: Drawing; raster: Raster | null }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [tx, ty, zoom] = useStore(transformSelector);
  const size = useStore(sizeSelector);

  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const element = canvas.current;
      if (!element) return;
      const ratio = window.devicePixelRatio || 1;
      const { width, height } = element.getBoundingClientRect();
      if (element.width !== Math.round(width * ratio) || element.height !== Math.round(height * ratio)) {
        element.width = Math.round(width * ratio);
        element.height = Math.round(height * ratio);
      }
      const context = element.getContext('2d');
      if (!context) return;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
      context.setTransform(ratio * zoom, 0, 0, ratio * zoom, ratio * tx, ratio * ty);
      const view = { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom };
      if (raster && nodesAbout(drawing.grid, view) > VECTOR_MAX_NODES) context.drawImage(raster.bitmap, raster.area.x, raster.area.y, raster.area.width, raster.area.height);
      else drawGraph(context, drawing, view, zoom);
    });
    return () => cancelAnimationFrame(frame);
  }, [drawing, raster, tx, ty, zoom, size]);

  return <canvas ref={canvas} className="graph-overview" aria-hidden="true" />;
}

/**
 * The raster of a graph of more than VECTOR_MAX_NODES tasks, drawn in the worker and redrawn as
 * live rows change its colours: one drawing at a time, the latest once the one under way is back.
 */
export function useRaster(drawing: Drawing): Raster | null {
  const wanted = drawing.x.length > VECTOR_MAX_NODES;
  const [raster, setRaster] = useState<Raster | null>(null);
  const latest = useRef(drawing);
  const busy = useRef(false);
  const mounted = useRef(true);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);
  useEffect(() => () => raster?.bitmap.close(), [raster]);

  useEffect(() => {
    latest.current = drawing;
    if (!wanted || busy.current) return;
    const draw = (next: Drawing) => {
      busy.current = true;
      rasterInWorker(next, graphBounds(next))
        .then(
          (made) => (mounted.current ? setRaster(made) : made.bitmap.close()),
          // Without a raster the canvas draws every task in view: slower, never wrong.
          () => undefined,
        )
        .finally(() => {
          busy.current = false;
          if (mounted.current && latest.current !== next) draw(latest.current);
        });
    };
    draw(drawing);
  }, [drawing, wanted]);
  return wanted ? raster : null;
}
