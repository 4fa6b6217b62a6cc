import { describe, expect, it } from 'vitest';
import { api, apiUrl } from './helpers';

interface ApiError {
  error: string;
  field?: string;
}

describe('bad input gets a 400 naming the field', () => {
  const listCases: [string, string][] = [
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['offset=-1', 'offset'],
    ['within_hours=0', 'within_hours'],
    ['within_hours=337', 'within_hours'],
    ['task_type=nope', 'task_type'],
    ['task_type=command&task_type=nope', 'task_type'],
    ['status=X', 'status'],
    ['status=R&status=bogus', 'status'],
    ['sort=size', 'sort'],
    ['order=up', 'order'],
    ['stauts=R', 'stauts'],
  ];
  it.each(listCases)('GET /tasks?%s names %s', async (query, field) => {
    const res = await api<ApiError>(`/tasks?${query}`);
    expect(res.status).toBe(400);
    expect(res.body.field).toContain(field);
    expect(res.body.error).toContain(field);
  });

  const startCases: [string, unknown, string][] = [
    ['unknown type', { type: 'nope', input: {} }, 'type'],
    ['missing type', { input: { command: 'true' } }, 'type'],
    ['missing command', { type: 'command', input: {} }, 'input.command'],
    ['empty command', { type: 'command', input: { command: '  ' } }, 'input.command'],
    ['wrong timeout type', { type: 'command', input: { command: 'true', timeout_seconds: 'soon' } }, 'input.timeout_seconds'],
    ['unknown input field', { type: 'command', input: { command: 'true', shell: 'bash' } }, 'input.shell'],
    ['input not an object', { type: 'command', input: 'echo' }, 'input'],
    ['tag too long', { type: 'command', input: { command: 'true' }, tag: 'x'.repeat(256) }, 'tag'],
  ];
  it.each(startCases)('POST /tasks with %s names %s', async (_name, body, field) => {
    const res = await api<ApiError>('/tasks', { method: 'POST', json: body });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  it('answers malformed JSON with a 400', async () => {
    const res = await fetch(`${apiUrl()}/tasks`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"type": "command", ' });
    expect(res.status).toBe(400);
    const body = (await res.json()) as ApiError;
    expect(body.error).toContain('Malformed JSON');
  });

  it('names bad log parameters', async () => {
    const res = await api<ApiError>('/tasks/whatever/logs?stream=stdin');
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('stream');
  });

  it('names a missing log search query', async () => {
    const res = await api<ApiError>('/tasks/whatever/logs/search?stream=stdout');
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('q');
  });
});

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
