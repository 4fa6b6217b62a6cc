import { describe, expect, it } from 'vitest';
import { durationAt, isCounting } from '../../web/src/lib/duration';
import { formatDuration, formatWindow } from '../../web/src/lib/format';
import { chainSteps } from '../../web/src/lib/lifecycle';
import { findMatches, splitMatches, stepMatch } from '../../web/src/lib/search';
import { timelineSteps } from '../../web/src/lib/timeline';
import { fieldsOf, readInput } from '../../web/src/submit/schemaFields';
import { DEFAULT_VIEW, hasFilters, toggleSort, viewFromUrl, viewToApiQuery, viewToUrl } from '../../web/src/tasks/filters';

describe('the table view in the URL', () => {
  it('round-trips every filter, and writes only what differs from the defaults', () => {
    const view = { ...DEFAULT_VIEW, within_hours: 24, task_type: 'command', dataset: 'birds', dataset_id: 'ds-1', status: ['failed', 'R'], user: 'ada', tag: 'x', q: 'nightly', sort: 'duration' as const, order: 'asc' as const, page: 3 };
    const url = viewToUrl(view);
    expect(viewFromUrl(url)).toEqual(view);
    expect(viewToUrl(DEFAULT_VIEW).toString()).toBe('');
  });

  it('ignores values a shared link may carry that the table does not know', () => {
    const view = viewFromUrl(new URLSearchParams('within_hours=5&status=bogus&status=completed&sort=name&order=up&page=-2'));
    expect(view).toEqual({ ...DEFAULT_VIEW, status: ['completed'] });
  });

  it('asks the API for one page with the full window', () => {
    const query = viewToApiQuery({ ...DEFAULT_VIEW, page: 2, tag: 't' });
    expect(Object.fromEntries(query)).toEqual({ tag: 't', within_hours: '336', sort: 'time', order: 'desc', limit: '25', offset: '25' });
  });

  it('sorts a new column in its natural order, flips on a second click, and starts again at page 1', () => {
    const byDataset = toggleSort({ ...DEFAULT_VIEW, page: 4 }, 'dataset');
    expect(byDataset).toMatchObject({ sort: 'dataset', order: 'asc', page: 1 });
    expect(toggleSort(byDataset, 'dataset').order).toBe('desc');
    expect(toggleSort(DEFAULT_VIEW, 'duration').order).toBe('desc');
  });

  it('tells a narrowed table from an empty window', () => {
    expect(hasFilters({ ...DEFAULT_VIEW, within_hours: 24 })).toBe(false);
    expect(hasFilters({ ...DEFAULT_VIEW, status: ['failed'] })).toBe(true);
  });
});

describe('lifecycle drawings', () => {
  it('chains the lifecycle, with waits and bad ends where they happen', () => {
    expect(chainSteps('running')).toEqual(['pending', 'initializing', 'running', 'completed']);
    expect(chainSteps('pending_approval')).toEqual(['pending', 'pending_approval', 'initializing', 'running', 'completed']);
    expect(chainSteps('paused')).toEqual(['pending', 'initializing', 'running', 'paused', 'completed']);
    expect(chainSteps('failed', 'initializing')).toEqual(['pending', 'initializing', 'failed']);
    expect(chainSteps('aborted')).toEqual(['pending', 'initializing', 'running', 'aborted']);
  });

  it('colours the timeline: done, current, the failed step and its end, and steps ahead', () => {
    const at = '2026-01-01T00:00:00Z';
    expect(timelineSteps({ status: 'initializing', timeline: [{ status: 'pending', at }, { status: 'initializing', at }], error_detail: null }).map((s) => `${s.status}:${s.state}`)).toEqual([
      'pending:done',
      'initializing:current',
      'running:future',
      'completed:future',
    ]);
    expect(
      timelineSteps({
        status: 'failed',
        timeline: [{ status: 'pending', at }, { status: 'initializing', at }, { status: 'failed', at }],
        error_detail: { step: 'initializing' },
      }).map((s) => s.state),
    ).toEqual(['done', 'failed', 'failed']);
  });
});

describe('log search', () => {
  it('finds every line with the query, in any case, numbered from the page start', () => {
    expect(findMatches(['ok', 'Error: x', 'fine', 'another ERROR'], 'error', 501)).toEqual([502, 504]);
    expect(findMatches(['a'], '')).toEqual([]);
  });

  it('splits a line around its matches for highlighting', () => {
    expect(splitMatches('an Error, an error', 'error')).toEqual([
      { text: 'an ', match: false },
      { text: 'Error', match: true },
      { text: ', an ', match: false },
      { text: 'error', match: true },
    ]);
  });

  it('steps through matches and wraps around', () => {
    expect(stepMatch(-1, 1, 3)).toBe(0);
    expect(stepMatch(-1, -1, 3)).toBe(2);
    expect(stepMatch(2, 1, 3)).toBe(0);
    expect(stepMatch(0, -1, 3)).toBe(2);
    expect(stepMatch(0, 1, 0)).toBe(-1);
  });
});

describe('durations', () => {
  const base = { started_at: '2026-01-01T00:00:00Z', end_date: null, duration_ms: 5000 };
  it('counts a running task on from when it arrived, and never a pending one', () => {
    expect(isCounting({ ...base, status: 'running' })).toBe(true);
    expect(durationAt({ ...base, status: 'running' }, 1000, 4000)).toBe(8000);
    expect(isCounting({ ...base, status: 'pending', started_at: null, duration_ms: null })).toBe(false);
    expect(durationAt({ ...base, status: 'pending', started_at: null, duration_ms: null }, 0, 9999)).toBeNull();
    expect(durationAt({ ...base, status: 'completed', end_date: '2026-01-01T00:00:05Z' }, 1000, 9000)).toBe(5000);
  });

  it('formats durations and windows for people', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(3_723_000)).toBe('1h 02m 03s');
    expect(formatDuration(90_061_000)).toBe('1d 01h 01m');
    expect(formatWindow(336)).toBe('14 days');
    expect(formatWindow(24)).toBe('24 hours');
    expect(formatWindow(6)).toBe('6 hours');
  });
});

describe('the submit form from a JSON Schema', () => {
  const schema = {
    type: 'object',
    properties: {
      command: { type: 'string', description: 'Shell command' },
      retries: { type: 'integer', default: 2 },
      fast: { type: 'boolean' },
      mode: { type: 'string', enum: ['a', 'b'] },
      env: { type: 'object', additionalProperties: { type: 'string' } },
      urls: { type: 'array', items: { type: 'string' } },
    },
    required: ['command'],
  };

  it('makes one field per property, of the right kind, with defaults', () => {
    expect(fieldsOf(schema).map((f) => [f.name, f.kind, f.required, f.default])).toEqual([
      ['command', 'text', true, ''],
      ['retries', 'integer', false, '2'],
      ['fast', 'boolean', false, ''],
      ['mode', 'enum', false, ''],
      ['env', 'map', false, ''],
      ['urls', 'list', false, ''],
    ]);
  });

  it('reads the values into an input, leaving out empty optional fields', () => {
    const fields = fieldsOf(schema);
    const { input, errors } = readInput(fields, { command: 'ls', retries: '3', fast: 'true', mode: '', env: 'A=1\nB=x=y', urls: 'http://a\n\nhttp://b' });
    expect(errors).toEqual({});
    expect(input).toEqual({ command: 'ls', retries: 3, fast: true, env: { A: '1', B: 'x=y' }, urls: ['http://a', 'http://b'] });
  });

  it('names the field it cannot read', () => {
    const { errors } = readInput(fieldsOf(schema), { command: ' ', retries: '1.5', env: 'novalue' });
    expect(errors).toEqual({ command: 'Command is required', retries: 'Retries must be a whole number', env: 'Line 1: write NAME=value' });
  });
});
