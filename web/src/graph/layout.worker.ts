import ELK from 'elkjs/lib/elk.bundled.js';
import type { LayoutInput, LayoutResult } from './elkLayout';
import { layoutForSize } from './graphLayout';

/**
 * The layout's own thread: ELK on a 1,000-node graph, or the layered layout on a 50,000-node
 * one, computes for a good part of a second, which on the page's thread would freeze pan and
 * zoom. The bundled ELK runs its engine in this worker (no nested worker); positions go back as
 * transferred arrays, so the page copies nothing.
 */
export interface LayoutRequest {
  id: number;
  input: LayoutInput;
}

export type LayoutResponse = { id: number; result: LayoutResult; ms: number } | { id: number; error: string };

const elk = new ELK();
// The app compiles against the DOM library; this is the part of a worker's global scope used here.
const scope = self as unknown as {
  onmessage: ((event: MessageEvent<LayoutRequest>) => void) | null;
  postMessage(message: LayoutResponse, transfer?: Transferable[]): void;
};

// The bundled ELK listens on the worker's onmessage when it loads; this worker speaks its own protocol.
scope.onmessage = (event: MessageEvent<LayoutRequest>) => {
  const { id, input } = event.data;
  const started = performance.now();
  layoutForSize(elk, input).then(
    (result) => scope.postMessage({ id, result, ms: performance.now() - started }, [result.x.buffer, result.y.buffer]),
    (err: unknown) => scope.postMessage({ id, error: String(err) }),
  );
};
