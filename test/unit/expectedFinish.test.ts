import { describe, expect, it } from 'vitest';
import { expectedFinish, medianMs, type FinishTask } from '../../core';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const at = (seconds: number) => new Date(NOW + seconds * 1000).toISOString();
const S = 1000;

describe('expectedFinish', () => {
  it('lays each waiting task after its upstream tasks: a chain adds up, parallel branches take the longest', () => {
    // extract (running since 10 s ago, takes 30 s) → [clean 20 s, index 50 s] → publish 5 s
    const tasks: FinishTask[] = [
      { id: 'extract', started_at: at(-10), expected_ms: 30 * S },
      { id: 'clean', expected_ms: 20 * S },
      { id: 'index', expected_ms: 50 * S },
      { id: 'publish', expected_ms: 5 * S },
    ];
    const edges = [
      { source: 'extract', target: 'clean' },
      { source: 'extract', target: 'index' },
      { source: 'clean', target: 'publish' },
      { source: 'index', target: 'publish' },
    ];
    expect(expectedFinish(tasks, edges, NOW)).toBe(NOW + (20 + 50 + 5) * S);
  });

  it('counts what ended as it ended, and a task running past its expected time as ending now', () => {
    const tasks: FinishTask[] = [
      { id: 'a', started_at: at(-100), end_date: at(-40), expected_ms: undefined },
      { id: 'b', started_at: at(-40), expected_ms: 10 * S },
    ];
    expect(expectedFinish(tasks, [{ source: 'a', target: 'b' }], NOW)).toBe(NOW);
  });

  it('knows nothing when a task that has not ended has no expected duration', () => {
    expect(expectedFinish([{ id: 'a', expected_ms: 5 * S }, { id: 'b', expected_ms: undefined }], [], NOW)).toBeUndefined();
  });

  it('walks a chain of 10,000 tasks without recursion', () => {
    const tasks = Array.from({ length: 10_000 }, (_, i) => ({ id: `t${i}`, expected_ms: S }));
    const edges = tasks.slice(1).map((t, i) => ({ source: `t${i}`, target: t.id }));
    expect(expectedFinish(tasks, edges, NOW)).toBe(NOW + 10_000 * S);
  });
});

describe('medianMs', () => {
  it('is the middle duration, undefined for none', () => {
    expect(medianMs([30, 10, 20])).toBe(20);
    expect(medianMs([])).toBeUndefined();
  });
});
