import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkBody } from '../../../core/contract';
import { inProcessApi, request } from './inProcess';

let base: string;
let close: () => Promise<void>;
beforeAll(async () => ({ url: base, close } = await inProcessApi()));
afterAll(() => close());

describe('bad input gets a 400 naming the field, before anything reaches Temporal', () => {
  const listCases: [string, string][] = [
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=abc', 'limit'],
    ['offset=-1', 'offset'],
    ['within_hours=0', 'within_hours'],
    ['within_hours=337', 'within_hours'],
    ['task_type=', 'task_type'],
    ['status=X', 'status'],
    ['status=R&status=bogus', 'status'],
    ['sort=size', 'sort'],
    ['order=up', 'order'],
    ['stauts=R', 'stauts'],
  ];
  it.each(listCases)('GET /tasks?%s names %s', async (query, field) => {
    const res = await request(base, 'GET', `/tasks?${query}`);
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
    ['a dataset type without dataset_id', { type: 'reindex', input: {} }, 'dataset_id'],
    ['a malformed dataset id', { type: 'reindex', dataset_id: 'Birds Of Prey', input: {} }, 'dataset_id'],
    ['a body that is not an object', ['command'], '(body)'],
    ['a NUL byte in the command', { type: 'command', input: { command: 'echo a\u0000b' } }, 'input.command'],
    ['a NUL byte in an env value', { type: 'command', input: { command: 'true', env: { MODE: 'fa\u0000st' } } }, 'input.env.MODE'],
    ['an env name with =', { type: 'command', input: { command: 'true', env: { 'A=B': 'x' } } }, 'input.env.A=B'],
    ['a URL whose host no resolver knows', { type: 'dataset_creation', dataset_id: 'birds', input: { urls: ['https://Ⱥµ7'] } }, 'input.urls.0'],
  ];
  it.each(startCases)('POST /tasks with %s names %s', async (_name, body, field) => {
    const res = await request(base, 'POST', '/tasks', { json: body });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
  });

  const bulkCases: [string, unknown, string][] = [
    ['an empty filter', { filter: {} }, 'filter'],
    ['a filter with only a time window', { filter: { within_hours: 24, sort: 'time' } }, 'filter'],
    ['all: false', { filter: {}, all: false }, 'all'],
    ['ids and a filter', { ids: ['a'], filter: { tag: 'x' } }, '(body)'],
  ];
  it.each(bulkCases)('POST /tasks/bulk/retry and /abort with %s names %s: an action on every task is deliberate', async (_name, body, field) => {
    for (const action of ['retry', 'abort']) {
      const res = await request(base, 'POST', `/tasks/bulk/${action}`, { json: body });
      expect(res.status).toBe(400);
      expect(res.body.field).toBe(field);
    }
  });

  it('takes a filter that narrows nothing when all: true says so', () => {
    expect(bulkBody.safeParse({ filter: { within_hours: 24 }, all: true }).success).toBe(true);
    expect(bulkBody.safeParse({ filter: { status: 'failed' } }).success).toBe(true);
  });

  const task = { type: 'command', input: { command: 'true' } };
  const scheduleCases: [string, unknown, string, RegExp][] = [
    ['a malformed cron', { spec: { cron: '61 * * *' }, task }, 'spec.cron', /5 fields/],
    ['a cron field out of range', { spec: { cron: '0 25 * * *' }, task }, 'spec.cron', /0-23/],
    ['an unknown time zone', { spec: { cron: '0 2 * * *', timezone: 'Mars/Olympus' }, task }, 'spec.timezone', /unknown time zone 'Mars\/Olympus'/],
    ['an interval under a second', { spec: { interval_seconds: 0.5 }, task }, 'spec.interval_seconds', /at least 1/],
    ['neither cron nor interval', { spec: {}, task }, 'spec.cron', /cron or interval_seconds/],
    ['no task', { spec: { interval_seconds: 60 } }, 'task', /a task or a pipeline/],
    ['a bad task', { spec: { interval_seconds: 60 }, task: { type: 'command', input: {} } }, 'task.input.command', /./],
    ['an unknown overlap policy', { spec: { interval_seconds: 60 }, policy: { overlap: 'queue' }, task }, 'policy.overlap', /skip/],
    ['a malformed id', { id: 'no spaces', spec: { interval_seconds: 60 }, task }, 'id', /letters/],
  ];
  it.each(scheduleCases)('POST /schedules with %s names %s', async (_name, body, field, message) => {
    const res = await request(base, 'POST', '/schedules', { json: body });
    expect(res.status).toBe(400);
    expect(res.body.field).toBe(field);
    expect(res.body.error).toMatch(message);
  });

  it('says which task types exist when the type is unknown, and that a dataset type needs its dataset', async () => {
    expect((await request(base, 'POST', '/tasks', { json: { type: 'nope', input: {} } })).body.error).toContain("unknown task type 'nope'; known: command,");
    expect((await request(base, 'POST', '/tasks', { json: { type: 'reindex', input: {} } })).body.error).toBe('dataset_id: a Reindex task needs dataset_id');
  });

  it('answers malformed JSON with a 400', async () => {
    const res = await request(base, 'POST', '/tasks', { raw: '{"type": "command", ' });
    expect(res.status).toBe(400);
    expect(res.body.error).toContain('Malformed JSON');
  });

  it('answers a body over 1 MB with a 413', async () => {
    const res = await request(base, 'POST', '/tasks', { json: { type: 'command', input: { command: 'x'.repeat(1_100_000) } } });
    expect(res.status).toBe(413);
  });

  it('names bad log parameters', async () => {
    const res = await request(base, 'GET', '/tasks/whatever/logs?stream=stdin');
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('stream');
  });

  it('names a missing log search query', async () => {
    const res = await request(base, 'GET', '/tasks/whatever/logs/search?stream=stdout');
    expect(res.status).toBe(400);
    expect(res.body.field).toBe('q');
  });

  it.each([
    ['/graph?depth=99&task=x', 'depth', 'depth must be between 1 and 20'],
    ['/graph?within_hours=400', 'within_hours', 'within_hours must be at most 336 (14 days)'],
  ])('GET %s names %s', async (path, field, message) => {
    const res = await request(base, 'GET', path);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ field, error: `${field}: ${message}` });
  });

  it('checks every task of a batch or a pipeline, naming which one is bad', async () => {
    const batch = await request(base, 'POST', '/batches', { json: { tasks: [{ type: 'command', input: { command: 'true' } }, { type: 'command', input: {} }] } });
    expect(batch.status).toBe(400);
    expect(batch.body.field).toBe('tasks.1.input.command');
    const pipeline = await request(base, 'POST', '/pipelines', { json: { name: 'p', tasks: [{ key: 'a', type: 'reindex', input: {} }] } });
    expect(pipeline.status).toBe(400);
    expect(pipeline.body.field).toBe('tasks.0.dataset_id');
  });

  it('takes batches and pipelines of up to 10,000 tasks, and refuses one more naming tasks', async () => {
    const batchOf = (n: number) => ({ tasks: Array.from({ length: n }, () => ({ type: 'command', input: { command: 'true' }, depends_on: ['?'] })) });
    // Checked whole before anything starts: an unknown upstream in the last task refuses the batch of 10,000 (not its size).
    const full = await request(base, 'POST', '/batches', { json: batchOf(10_000) });
    expect(full.body.field).not.toBe('tasks');
    const over = await request(base, 'POST', '/batches', { json: batchOf(10_001) });
    expect(over.status).toBe(400);
    expect(over.body).toMatchObject({ field: 'tasks', error: 'tasks: tasks must list at most 10000 tasks' });
    const pipelineOf = (n: number) => ({ name: 'big', tasks: Array.from({ length: n }, (_, i) => ({ key: `k${i}`, type: 'command', input: { command: 'true' } })) });
    expect((await request(base, 'POST', '/pipelines', { json: pipelineOf(10_001) })).body.field).toBe('tasks');
  });
});
