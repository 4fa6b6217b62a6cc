import type { ELK } from 'elkjs/lib/elk-api';
import { DETAILED_LAYOUT_MAX_NODES, layoutGraph, type LayoutInput, type LayoutResult } from './elkLayout';
import { layeredLayout } from './layeredLayout';

/**
 * Up to this many tasks, ELK with its thorough options: its crossing minimisation and network
 * simplex placement draw a small graph more neatly. Above it, the layered layout of
 * layeredLayout.ts, which never recurses: ELK's depth-first searches overflow the stack from
 * about 6,000 tasks in the bench's layered shape and below 5,000 in a chain, it took 17.6 s for
 * 10,000 in Node where the layered layout takes a quarter of a second, and even with its cheap
 * options it kept a 1,000-task graph 2.2-2.4 s in the page's worker (first paint 2.6-2.9 s
 * against a 2 s target; 0.5 s and 1.1 s with the layered layout, docs/performance.md row 8).
 */
export const ELK_MAX_NODES = DETAILED_LAYOUT_MAX_NODES;

/**
 * A graph's positions, by the layout for its size. Should ELK still fail on a small graph of a
 * shape it cannot take, the layered layout draws it: a graph the API serves always draws.
 */
export async function layoutForSize(elk: ELK, input: LayoutInput): Promise<LayoutResult> {
  if (input.ids.length > ELK_MAX_NODES) return layeredLayout(input);
  try {
    return await layoutGraph(elk, input);
  } catch {
    return layeredLayout(input);
  }
}
