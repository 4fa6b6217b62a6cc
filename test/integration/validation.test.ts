import { describe, expect, it } from 'vitest';
import { api } from './helpers';

interface ApiError {
  error: string;
  field?: string;
}

// Bad input is tested in-process (test/unit/api/validation.test.ts); this needs Temporal to say a task is unknown.
describe('unknown tasks get a 404', () => {
  it.each([
    ['GET', '/tasks/no-such-task'],
    ['POST', '/tasks/no-such-task/abort'],
    ['POST', '/tasks/no-such-task/retry'],
    ['GET', '/tasks/no-such-task/logs'],
    ['GET', '/tasks/no-such-task/logs/download'],
    ['GET', '/tasks/no-such-task/logs/search?q=x'],
  ])('%s %s', async (method, path) => {
    const res = await api<ApiError>(path, { method });
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('no-such-task');
  });
});
