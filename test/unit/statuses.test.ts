import { describe, expect, it } from 'vitest';
import { STATUS_CODE, TASK_STATUSES, isFinished, statusesForFilter } from '../../core';

describe('STATUS_CODE', () => {
  it('maps every status to its code', () => {
    expect(STATUS_CODE).toEqual({
      pending: 'Q',
      pending_approval: 'Q',
      assigning: 'Q',
      initializing: 'R',
      running: 'R',
      paused: 'R',
      completed: 'D',
      failed: 'F',
      upstream_failed: 'F',
      timed_out: 'F',
      aborted: 'C',
      rejected: 'C',
      terminated: 'C',
    });
    expect(Object.keys(STATUS_CODE).sort()).toEqual([...TASK_STATUSES].sort());
  });
});

describe('statusesForFilter', () => {
  it.each(TASK_STATUSES)('selects exactly the status named %s', (status) => {
    expect(statusesForFilter(status)).toEqual([status]);
  });

  it.each([
    ['Q', ['pending', 'pending_approval', 'assigning']],
    ['R', ['initializing', 'running', 'paused']],
    ['D', ['completed']],
    ['F', ['failed', 'upstream_failed', 'timed_out']],
    ['C', ['aborted', 'rejected', 'terminated']],
  ])('expands the code %s', (code, expected) => {
    expect(statusesForFilter(code)?.sort()).toEqual([...expected].sort());
  });

  it.each(['', 'q', 'X', 'RUNNING', 'Running', 'running ', 'toString', '__proto__'])('gives undefined for %j', (value) => {
    expect(statusesForFilter(value)).toBeUndefined();
  });
});

describe('isFinished', () => {
  it('is true exactly for the final statuses', () => {
    const finished = TASK_STATUSES.filter(isFinished);
    expect(finished.sort()).toEqual(
      ['completed', 'failed', 'aborted', 'rejected', 'upstream_failed', 'terminated', 'timed_out'].sort(),
    );
  });

  it('agrees with the codes: Q and R are unfinished, D/F/C finished', () => {
    for (const s of TASK_STATUSES) {
      expect(isFinished(s)).toBe(!['Q', 'R'].includes(STATUS_CODE[s]));
    }
  });
});
