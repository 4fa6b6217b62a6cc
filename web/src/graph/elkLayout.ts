import type { ELK, ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';

/**
 * The dependency graph's layout: ELK's layered algorithm, left to right. Every node has the same
 * fixed size, so the layout never waits for the DOM to measure anything. Runs in a Web Worker
 * (layout.worker.ts); pure apart from the ELK instance it is given, so unit tests run it in Node.
 */
export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 86;
/** Horizontal room between two columns (layers), for the edges React Flow draws there. */
export const COLUMN_GAP = 80;
export const ROW_GAP = 22;

/** Nodes are indexes into `ids`; edges are pairs of indexes, upstream first. Compact to post. */
export interface LayoutInput {
  ids: string[];
  edges: [number, number][];
}

/** Top-left corner of node i at (x[i], y[i]). Arrays, so the worker can transfer them. */
export interface LayoutResult {
  x: Float64Array;
  y: Float64Array;
}

/**
 * Up to this many nodes the layout takes its time for the nicest drawing (straight chains, few
 * crossings); above it, the cheapest options that still keep a compact drawing. The app asks ELK
 * for no more than this (graphLayout.ts); the cheap options are how the bench (graphScale.ts)
 * compares ELK with the layered layout on big graphs, as the app ran it before. Measured with
 * elkjs 0.12 on a random layered DAG (1.3 edges a node): network-simplex placement takes 0.5-1 s
 * at 300 nodes and 6-7 s at 1,000; Brandes-Koepf spreads 1,000 nodes over 29,000 px of height;
 * simple placement with one crossing-minimisation pass lays out 5,000 nodes in about 4 s.
 */
export const DETAILED_LAYOUT_MAX_NODES = 200;

export function layoutOptions(nodeCount: number): LayoutOptions {
  const detailed = nodeCount <= DETAILED_LAYOUT_MAX_NODES;
  return {
    'elk.algorithm': 'layered',
    'elk.direction': 'RIGHT',
    'elk.spacing.nodeNode': String(ROW_GAP),
    'elk.layered.spacing.nodeNodeBetweenLayers': String(COLUMN_GAP),
    'elk.spacing.componentComponent': String(COLUMN_GAP),
    // Routes are ELK's cheapest kind: React Flow draws its own edges, so only positions are used.
    'elk.edgeRouting': 'POLYLINE',
    'elk.layered.thoroughness': detailed ? '7' : '1',
    'elk.layered.nodePlacement.strategy': detailed ? 'NETWORK_SIMPLEX' : 'SIMPLE',
  };
}

export async function layoutGraph(elk: ELK, input: LayoutInput): Promise<LayoutResult> {
  const n = input.ids.length;
  const graph: ElkNode = {
    id: '\u0000root',
    layoutOptions: layoutOptions(n),
    children: input.ids.map((id) => ({ id, width: NODE_WIDTH, height: NODE_HEIGHT })),
    edges: input.edges.map(([source, target], i) => ({ id: `e${i}`, sources: [input.ids[source]], targets: [input.ids[target]] })),
  };
  const laidOut = await elk.layout(graph);
  const index = new Map(input.ids.map((id, i) => [id, i]));
  const x = new Float64Array(n);
  const y = new Float64Array(n);
  for (const child of laidOut.children ?? []) {
    const i = index.get(child.id)!;
    x[i] = child.x ?? 0;
    y[i] = child.y ?? 0;
  }
  compactColumns(x, input);
  return { x, y };
}

/**
 * ELK widens the gap between two layers to route the edges that pass between them, up to
 * hundreds of pixels in a big graph. React Flow draws its own edges, so the columns of each
 * connected component are moved to a fixed pitch, leftwards from the component's first column.
 * A component only narrows within its own box, so components ELK packed side by side cannot
 * come to overlap; within one, x values keep their order a full column apart.
 */
export function compactColumns(x: Float64Array, input: LayoutInput): void {
  const components = connectedComponents(input);
  const columns = new Map<number, number[]>();
  for (let i = 0; i < x.length; i++) {
    const list = columns.get(components[i]);
    if (list) list.push(x[i]);
    else columns.set(components[i], [x[i]]);
  }
  const slots = new Map<number, Map<number, number>>();
  for (const [component, values] of columns) {
    const distinct = [...new Set(values)].sort((a, b) => a - b);
    slots.set(component, new Map(distinct.map((value, rank) => [value, distinct[0] + rank * (NODE_WIDTH + COLUMN_GAP)])));
  }
  for (let i = 0; i < x.length; i++) x[i] = slots.get(components[i])!.get(x[i])!;
}

/** For each node, a representative of its connected component (union-find over the edges). */
function connectedComponents({ ids, edges }: LayoutInput): Int32Array {
  const parent = Int32Array.from(ids, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  for (const [a, b] of edges) parent[find(a)] = find(b);
  return parent.map((_, i) => find(i));
}
