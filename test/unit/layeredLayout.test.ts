import ELK from 'elkjs/lib/elk.bundled.js';
import type { ELK as ElkApi } from 'elkjs/lib/elk-api';
import { describe, expect, it } from 'vitest';
import { graphInput } from '../../bench/graphShape';
import { COLUMN_GAP, NODE_HEIGHT, NODE_WIDTH, type LayoutInput, type LayoutResult } from '../../web/src/graph/elkLayout';
import { ELK_MAX_NODES, layoutForSize } from '../../web/src/graph/graphLayout';
import { layeredLayout } from '../../web/src/graph/layeredLayout';

/** The layout of big graphs (web/src/graph/layeredLayout.ts), on the bench's shapes and worse. */
const layered = (n: number): LayoutInput => graphInput('layered', n);
const chain = (n: number): LayoutInput => graphInput('chain', n);

/** Pairs of nodes whose boxes overlap: columns are a fixed pitch apart, so only one column's nodes can. */
function overlaps({ x, y }: LayoutResult): number {
  const columns = new Map<number, number[]>();
  x.forEach((left, i) => {
    const column = columns.get(left);
    if (column) column.push(y[i]);
    else columns.set(left, [y[i]]);
  });
  let count = 0;
  for (const tops of columns.values()) {
    tops.sort((a, b) => a - b);
    for (let i = 1; i < tops.length; i++) if (tops[i] - tops[i - 1] < NODE_HEIGHT) count++;
  }
  return count;
}

describe('the layered layout of big graphs', () => {
  it('puts every task right of the tasks it waits for, in columns a fixed pitch apart, with no two boxes overlapping', () => {
    const input = layered(5000);
    const result = layeredLayout(input);
    for (const [source, target] of input.edges) expect(result.x[target]).toBeGreaterThan(result.x[source]);
    for (const left of result.x) expect(left % (NODE_WIDTH + COLUMN_GAP)).toBe(0);
    expect(overlaps(result)).toBe(0);
  });

  it('lays out 50,000 tasks of the layered shape into a box about the shape of a screen', () => {
    const result = layeredLayout(layered(50_000));
    expect(overlaps(result)).toBe(0);
    const width = Math.max(...result.x) + NODE_WIDTH;
    const height = Math.max(...result.y) + NODE_HEIGHT;
    expect(width / height).toBeGreaterThan(0.5);
    expect(width / height).toBeLessThan(4);
  });

  it('draws a chain of 50,000 tasks as one straight row, without overflowing the stack', () => {
    const result = layeredLayout(chain(50_000));
    expect(new Set(result.y).size).toBe(1);
    expect(result.x[49_999]).toBe(49_999 * (NODE_WIDTH + COLUMN_GAP));
  });

  it('packs 10,000 unlinked tasks (a batch without dependencies) into a grid, not one column', () => {
    const result = layeredLayout({ ids: Array.from({ length: 10_000 }, (_, i) => `t${i}`), edges: [] });
    expect(overlaps(result)).toBe(0);
    const columns = new Set(result.x).size;
    const rows = new Set(result.y).size;
    expect(columns).toBeGreaterThan(50);
    expect(rows).toBeGreaterThan(30);
  });

  it('keeps components apart and draws a cycle, which the engine never makes, without looping', () => {
    const input: LayoutInput = {
      ids: ['a', 'b', 'c', 'd', 'e', 'lone'],
      edges: [
        [0, 1],
        [1, 2],
        [2, 0],
        [3, 4],
        [3, 3],
      ],
    };
    const result = layeredLayout(input);
    expect([...result.x, ...result.y].every(Number.isFinite)).toBe(true);
    expect(overlaps(result)).toBe(0);
    expect(result.x[1]).toBeGreaterThan(result.x[0]);
    expect(result.x[4]).toBeGreaterThan(result.x[3]);
  });

  it('is what graphs above ELK_MAX_NODES get; smaller ones get ELK, and the layered layout when ELK fails', async () => {
    const failing = { layout: () => Promise.reject(new RangeError('Maximum call stack size exceeded')) } as unknown as ElkApi;
    const small = layered(50);
    expect(await layoutForSize(failing, small)).toEqual(layeredLayout(small));
    const big = layered(ELK_MAX_NODES + 1);
    expect(await layoutForSize(failing, big)).toEqual(layeredLayout(big));
    const byElk = await layoutForSize(new ELK(), small);
    expect(byElk).not.toEqual(layeredLayout(small));
    expect(overlaps(byElk)).toBe(0);
  });
});
