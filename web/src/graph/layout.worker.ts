import ELK from 'elkjs/lib/elk.bundled.js';
import type { LayoutInput } from './elkLayout';
import { layoutForSize } from './graphLayout';
import type { PlacedLayout } from './graphModel';
import { drawRaster, type WholeDrawing } from './overviewDrawing';
import { gridBuffers, spatialGrid } from './spatialGrid';
import type { Bounds } from './viewport';

/**
 * The graph's own thread: ELK on a 1,000-node graph, or the layered layout on a 50,000-node
 * one, computes for a good part of a second, which on the page's thread would freeze pan and
 * zoom; so do the spatial grid of a big graph and a drawing of all of it. The bundled ELK runs
 * its engine in this worker (no nested worker); positions, grid and bitmap go back transferred,
 * so the page copies nothing.
 */
export type GraphJob = { kind: 'layout'; input: LayoutInput } | { kind: 'raster'; drawing: WholeDrawing; bounds: Bounds };
export type GraphRequest = GraphJob & { id: number };

export type GraphResponse = { id: number; layout: PlacedLayout; ms: number } | { id: number; raster: ImageBitmap } | { id: number; error: string };

const elk = new ELK();
// The app compiles against the DOM library; this is the part of a worker's global scope used here.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<GraphRequest>) => void) | null;
  postMessage(message: GraphResponse, transfer?: Transferable[]): void;
};

// The bundled ELK listens on the worker's onmessage when it loads; this worker speaks its own protocol.
scope.onmessage = (event: MessageEvent<GraphRequest>) => {
  const request = event.data;
  const { id } = request;
  const started = performance.now();
  if (request.kind === 'raster') {
    try {
      const raster = drawRaster(request.drawing, request.bounds);
      scope.postMessage({ id, raster }, [raster]);
    } catch (err) {
      scope.postMessage({ id, error: String(err) });
    }
    return;
  }
  const { input } = request;
  layoutForSize(elk, input).then(
    (positions) => {
      const grid = spatialGrid(positions.x, positions.y, input.edges);
      const layout: PlacedLayout = { ...positions, grid };
      scope.postMessage({ id, layout, ms: performance.now() - started }, [positions.x.buffer as ArrayBuffer, positions.y.buffer as ArrayBuffer, ...gridBuffers(grid)]);
    },
    (err: unknown) => scope.postMessage({ id, error: String(err) }),
  );
};
