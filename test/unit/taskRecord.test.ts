import { describe, expect, it } from 'vitest';
import { sameRecord } from '../../api/taskIndex';
import { durationMs, present } from '../../api/taskRecord';
import { NOW, record } from './fixtures';

const iso = (ms: number) => new Date(ms).toISOString();

describe('durationMs', () => {
  it('is null for a task that never started processing', () => {
    expect(durationMs(record({ id: 'p', status: 'pending' }), NOW)).toBeNull();
  });

  it('counts a running task up to now', () => {
    const r = record({ id: 'r', status: 'running', task_status: 'R', started_at: iso(NOW - 90_000) });
    expect(durationMs(r, NOW)).toBe(90_000);
    expect(durationMs(r, NOW + 10_000)).toBe(100_000);
  });

  it('leaves pauses out: finished ones, and the current one, which freezes the figure', () => {
    const r = record({ id: 'p', status: 'paused', started_at: iso(NOW - 90_000), paused_ms: 20_000, paused_at: iso(NOW - 10_000) });
    expect(durationMs(r, NOW)).toBe(60_000);
    expect(durationMs(r, NOW + 30_000)).toBe(60_000);
    const resumed = { ...r, status: 'running' as const, paused_ms: 30_000, paused_at: null };
    expect(durationMs(resumed, NOW + 5_000)).toBe(65_000);
  });

  it('counts a finished task up to its end date, whatever now is', () => {
    const r = record({
      id: 'd',
      status: 'completed',
      task_status: 'D',
      started_at: iso(NOW - 60_000),
      end_date: iso(NOW - 15_000),
    });
    expect(durationMs(r, NOW)).toBe(45_000);
    expect(durationMs(r, NOW + 1e9)).toBe(45_000);
  });

  it('never goes negative when clocks disagree', () => {
    const r = record({ id: 'x', status: 'running', started_at: iso(NOW + 5_000) });
    expect(durationMs(r, NOW)).toBe(0);
  });
});

describe('present', () => {
  it('fills duration_ms without changing the input record', () => {
    const r = record({ id: 'r', status: 'running', started_at: iso(NOW - 1_000) });
    const shown = present(r, NOW);
    expect(shown.duration_ms).toBe(1_000);
    expect(r.duration_ms).toBeNull();
    expect({ ...shown, duration_ms: null }).toEqual(r);
  });

  it('gives a pending task a null duration', () => {
    expect(present(record({ id: 'p', duration_ms: 123 }), NOW).duration_ms).toBeNull();
  });
});

describe('sameRecord', () => {
  it('tells a row that changed from one that only came back from another poll', () => {
    const row = record({ id: 'a', depends_on: ['x', 'y'] });
    expect(sameRecord(row, { ...row, depends_on: ['x', 'y'] })).toBe(true);
    expect(sameRecord(row, { ...row, depends_on: ['x'] })).toBe(false);
    expect(sameRecord(row, { ...row, progress: 1 })).toBe(false);
    expect(sameRecord(row, { ...row, message: 'new' })).toBe(false);
    expect(sameRecord(row, { ...row, end_date: null })).toBe(true);
  });
});
