import type { LayoutInput, LayoutResult } from './elkLayout';
import type { LayoutRequest, LayoutResponse } from './layout.worker';

/** Performance entries that the bench and curious users read (Performance panel, `performance.getEntriesByName`). */
export const LAYOUT_MEASURE = 'taskdeck:graph-layout';

let worker: Worker | undefined;
let nextId = 0;
const waiting = new Map<number, { resolve: (result: LayoutResult) => void; reject: (err: Error) => void }>();

/** One layout worker for the page's lifetime: ELK's engine loads once, then answers in turn. */
function layoutWorker(): Worker {
  if (worker) return worker;
  worker = new Worker(new URL('./layout.worker.ts', import.meta.url), { type: 'module', name: 'taskdeck-graph-layout' });
  worker.onmessage = (event: MessageEvent<LayoutResponse>) => {
    const answer = event.data;
    const request = waiting.get(answer.id);
    waiting.delete(answer.id);
    if ('error' in answer) request?.reject(new Error(`Layout failed: ${answer.error}`));
    else request?.resolve(answer.result);
  };
  worker.onerror = (event) => {
    // A worker that cannot load fails every layout waiting on it; the next call starts a new one.
    for (const request of waiting.values()) request.reject(new Error(`Layout worker failed: ${event.message}`));
    waiting.clear();
    worker?.terminate();
    worker = undefined;
  };
  return worker;
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
 * Positions for a graph, computed off the main thread. Each call is measured as
 * `taskdeck:graph-layout` (detail: the node count), from the request to the positions' arrival.
 */
export function layoutInWorker(input: LayoutInput, measured = true): Promise<LayoutResult> {
  const id = nextId++;
  const start = performance.now();
  return new Promise<LayoutResult>((resolve, reject) => {
    waiting.set(id, { resolve, reject });
    layoutWorker().postMessage({ id, input } satisfies LayoutRequest);
  }).then((result) => {
    if (measured) performance.measure(LAYOUT_MEASURE, { start, end: performance.now(), detail: { nodes: input.ids.length, edges: input.edges.length } });
    return result;
  });
}
