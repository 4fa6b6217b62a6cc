import type { LayoutInput } from './elkLayout';
import type { PlacedLayout } from './graphModel';
import type { Drawing, Raster } from './overviewDrawing';
import type { GraphJob, GraphRequest, GraphResponse } from './layout.worker';
import type { Bounds } from './viewport';

/** Performance entries that the bench and curious users read (Performance panel, `performance.getEntriesByName`). */
export const LAYOUT_MEASURE = 'taskdeck:graph-layout';

type Answer = Exclude<GraphResponse, { error: string }>;

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (answer: Answer) => void; reject: (err: Error) => void }>();

/** One graph worker for the page's lifetime: ELK's engine loads once, then answers in turn. */
function graphWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'taskdeck-graph-layout' });
  worker.onmessage = (event: MessageEvent<GraphResponse>) => {
    const answer = event.data;
    const request = waiting.get(answer.id);
    waiting.delete(answer.id);
    if ('error' in answer) request?.reject(new Error(answer.error));
    else request?.resolve(answer);
  };
  worker.onerror = (event) => {
    // A worker that cannot load fails every job waiting on it; the next call starts a new one.
    for (const request of waiting.values()) request.reject(new Error(`Layout worker failed: ${event.message}`));
    waiting.clear();
    worker?.terminate();
    worker = undefined;
  };
  return worker;
}

function ask(job: GraphJob, transfer: Transferable[] = []): Promise<Answer> {
  const id = nextId++;
  return new Promise<Answer>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    graphWorker().postMessage({ ...job, id } satisfies GraphRequest, transfer);
  });
}

/**
 * Starts the worker and has it lay out a tiny graph, so ELK's code is loaded and compiled while
 * the page still waits for the graph's data. Once per worker.
 */
export function prepareLayout(): void {
  if (worker) return;
  void layoutInWorker({ ids: ['a', 'b'], edges: [[0, 1]] }, false).catch(() => undefined);
}

/**
 * Positions for a graph, and its spatial grid, computed off the main thread. Each call is
 * measured as `taskdeck:graph-layout` (detail: the node count), from the request to the
 * positions' arrival.
 */
export function layoutInWorker(input: LayoutInput, measured = true): Promise<PlacedLayout> {
  const start = performance.now();
  return ask({ kind: 'layout', input }).then(
    (answer) => {
      if (measured) performance.measure(LAYOUT_MEASURE, { start, end: performance.now(), detail: { nodes: input.ids.length, edges: input.edges.length } });
      return (answer as Extract<Answer, { layout: PlacedLayout }>).layout;
    },
    (err: Error) => Promise.reject(new Error(`Layout failed: ${err.message}`)),
  );
}

/** The whole graph drawn in the worker into a bitmap covering `bounds` (see overviewDrawing's raster). */
export function rasterInWorker(drawing: Drawing, bounds: Bounds): Promise<Raster> {
  // Copies of the arrays go: the page keeps drawing from its own.
  const whole = { x: drawing.x.slice(), y: drawing.y.slice(), colour: drawing.colour.slice(), critical: drawing.critical.slice(), source: drawing.grid.source.slice(), target: drawing.grid.target.slice() };
  return ask({ kind: 'raster', drawing: whole, bounds }, [whole.x.buffer, whole.y.buffer, whole.colour.buffer, whole.critical.buffer, whole.source.buffer, whole.target.buffer]).then((answer) => ({
    bitmap: (answer as Extract<Answer, { raster: ImageBitmap }>).raster,
    area: bounds,
  }));
}
