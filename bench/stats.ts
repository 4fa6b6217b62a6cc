/** Small statistics for the bench: every figure is a median or a percentile of several samples. */

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

export const median = (values: number[]): number => percentile(values, 50);
export const round = (n: number): number => Math.round(n * 100) / 100;

/** Runs `measure` once to warm up, then `count` times; returns the samples in milliseconds. */
export async function sample(count: number, measure: () => Promise<number>): Promise<number[]> {
  await measure();
  const values: number[] = [];
  for (let i = 0; i < count; i++) values.push(await measure());
  return values;
}

export async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return performance.now() - started;
}

/** Runs `work(i)` for i in 0..count-1 with at most `concurrency` at once. */
export async function pool(count: number, concurrency: number, work: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < count) await work(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** A figure with its target, and whether this run met it. */
export function target(value: number, limit: number, kind: 'max' | 'min'): { value: number; target: string; met: boolean } {
  return { value: round(value), target: `${kind === 'max' ? '≤' : '≥'} ${limit}`, met: kind === 'max' ? value <= limit : value >= limit };
}
