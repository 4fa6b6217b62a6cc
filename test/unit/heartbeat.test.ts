import type { Context } from '@temporalio/activity';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHeartbeat } from '../../activities/heartbeat';

describe('startHeartbeat', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('beats every second while progress moves and every 5 s while nothing changes', () => {
    const beats: unknown[] = [];
    const ctx = { heartbeat: (details: unknown) => beats.push(details) } as unknown as Context;
    let progress = { percent: 0 };
    const stop = startHeartbeat(ctx, () => ({ progress }));
    expect(beats).toHaveLength(1);

    // Busy: a new report each second, each one sent.
    for (let i = 1; i <= 3; i++) {
      progress = { percent: i };
      vi.advanceTimersByTime(1000);
    }
    expect(beats).toHaveLength(4);
    expect(beats.at(-1)).toEqual({ progress: { percent: 3 } });

    // Idle: 10 s without news give two beats, not ten.
    vi.advanceTimersByTime(10_000);
    expect(beats).toHaveLength(6);

    // News goes out within a second again.
    progress = { percent: 4 };
    vi.advanceTimersByTime(1000);
    expect(beats).toHaveLength(7);

    stop();
    vi.advanceTimersByTime(60_000);
    expect(beats).toHaveLength(7);
  });
});
