import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutGraph, type LayoutInput, type LayoutResult } from './elkLayout';

/**
 * The layout's own thread: ELK on a 5,000-node graph computes for seconds, which on the page's
 * thread would freeze scrolling, pan and zoom. The bundled ELK runs its engine in this worker
 * (no nested worker); positions go back as transferred arrays, so the page copies nothing.
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
  layoutGraph(elk, input).then(
    (result) => scope.postMessage({ id, result, ms: performance.now() - started }, [result.x.buffer, result.y.buffer]),
    (err: unknown) => scope.postMessage({ id, error: String(err) }),
  );
};
