/**
 * The shape of the bench's dependency graphs: a layered DAG like a wide pipeline. Tasks come in
 * stages of about √n; each task after the first stage waits for one task (30 %: two) of an
 * earlier stage, mostly the one just before. Seeded, so every run draws the same graph.
 */
export interface GraphShape {
  /** For each task, the indexes of the tasks it depends on. */
  dependsOn: number[][];
  edges: number;
}

export function layeredDag(n: number, seed = 7): GraphShape {
  const random = mulberry32(seed);
  const width = Math.max(3, Math.round(Math.sqrt(n)));
  const dependsOn: number[][] = [];
  let edges = 0;
  for (let i = 0; i < n; i++) {
    const stage = Math.floor(i / width);
    const upstream = new Set<number>();
    if (stage > 0) {
      const count = random() < 0.3 ? 2 : 1;
      for (let k = 0; k < count; k++) {
        const back = random() < 0.85 ? 1 : 2 + Math.floor(random() * 2);
        const source = Math.max(0, stage - back) * width + Math.floor(random() * width);
        if (source < i) upstream.add(source);
      }
    }
    dependsOn.push([...upstream]);
    edges += upstream.size;
  }
  return { dependsOn, edges };
}

function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A chain: each task waits for the one before it, the deepest graph of its size. */
export function chain(n: number): GraphShape {
  return { dependsOn: Array.from({ length: n }, (_, i) => (i === 0 ? [] : [i - 1])), edges: Math.max(0, n - 1) };
}

/** Tasks per pipeline in the `pipelines` shape. */
export const PIPELINE_SIZE = 100;

/** Pipelines of PIPELINE_SIZE tasks in a chain each, side by side: task i is in pipeline ⌊i / 100⌋. */
export function pipelines(n: number): GraphShape {
  return { dependsOn: Array.from({ length: n }, (_, i) => (i % PIPELINE_SIZE === 0 ? [] : [i - 1])), edges: n - Math.ceil(n / PIPELINE_SIZE) };
}

export type ShapeName = 'layered' | 'chain' | 'pipelines';
export const SHAPES: Record<ShapeName, (n: number) => GraphShape> = { layered: layeredDag, chain, pipelines };

/** A shape as the layout takes it: ids, and edges upstream first. */
export function graphInput(shape: ShapeName, n: number): { ids: string[]; edges: [number, number][] } {
  const edges: [number, number][] = [];
  SHAPES[shape](n).dependsOn.forEach((upstream, i) => upstream.forEach((u) => edges.push([u, i])));
  return { ids: Array.from({ length: n }, (_, i) => `t${i}`), edges };
}
