import type { ELK } from 'elkjs/lib/elk-api';
import { layoutGraph, type LayoutInput, type LayoutResult } from './elkLayout';
import { layeredLayout } from './layeredLayout';

/**
 * Up to this many tasks, ELK: its crossing minimisation and node placement draw a small graph
 * more neatly, and it takes under a second there. Above it, the layered layout of
 * layeredLayout.ts, which never recurses: ELK's depth-first searches overflow the stack from
 * about 6,000 tasks in the bench's layered shape and below 5,000 in a chain, and it took 17.6 s
 * for 10,000 in Node where the layered layout takes a quarter of a second (docs/performance.md).
 */
export const ELK_MAX_NODES = 1000;

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
