import ELK from 'elkjs/lib/elk.bundled.js';
import { layoutGraph, type LayoutInput } from '../web/src/graph/elkLayout';
import { layeredLayout } from '../web/src/graph/layeredLayout';
import { graphInput, type ShapeName } from './graphShape';

/**
 * The bench's layout worker for Chromium (bundled by graphScale.ts, run from a blob URL): the
 * web app's own ELK and layered layout code on the bench's shapes, timed inside a Web Worker,
 * where the app runs them. Answers the time, or the error a layout died of.
 */
export interface LayoutJob {
  layout: 'elk' | 'layered';
  shape: ShapeName;
  n: number;
}

const elk = new ELK();
// The bench compiles without the DOM library: this is the part of a worker's global scope used here.
const scope = globalThis as unknown as { onmessage: ((event: { data: LayoutJob }) => void) | null; postMessage(message: unknown): void };
scope.onmessage = (event) => {
  const { layout, shape, n } = event.data;
  const input: LayoutInput = graphInput(shape, n);
  const started = performance.now();
  const done = layout === 'elk' ? layoutGraph(elk, input) : Promise.resolve().then(() => layeredLayout(input));
  done.then(
    () => scope.postMessage({ ms: performance.now() - started }),
    (err: unknown) => scope.postMessage({ ms: performance.now() - started, error: String(err) }),
  );
};
