import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskRecord } from '../../../core/contract';
import { record } from '../fixtures';
import { inProcessApi, request } from './inProcess';

/**
 * What a client of `GET /tasks` gets by default (vectorize-tasks-endpoint.md: "Get all recent
 * tasks (default: last hour)"), and what a start with several bad fields answers, on the real app.
 */
const minutesAgo = (id: string, minutes: number): TaskRecord => record({ id, created_at: new Date(Date.now() - minutes * 60_000).toISOString() });

let base: string;
let close: () => Promise<void>;
beforeAll(async () => ({ url: base, close } = await inProcessApi({ tasks: [minutesAgo('recent', 10), minutesAgo('this-morning', 3 * 60), minutesAgo('last-week', 7 * 24 * 60)] })));
afterAll(() => close());

const ids = (body: unknown) => (body as TaskRecord[]).map((t) => t.id);

describe('GET /tasks without within_hours', () => {
  it('lists the last hour, as the Vectorize contract says', async () => {
    const res = await request(base, 'GET', '/tasks');
    expect(res.status).toBe(200);
    expect(ids(res.body)).toEqual(['recent']);
    expect(res.headers.get('x-total-count')).toBe('1');
  });

  it('lists the whole 14-day window when asked for it, as the web app asks', async () => {
    expect(ids((await request(base, 'GET', '/tasks?within_hours=336')).body)).toEqual(['recent', 'this-morning', 'last-week']);
    expect(ids((await request(base, 'GET', '/tasks?within_hours=24')).body)).toEqual(['recent', 'this-morning']);
  });
});

describe('a start with several bad fields', () => {
  it('names every one of them, not only the first', async () => {
    const res = await request<{ issues: { field: string; message: string }[] }>(base, 'POST', '/tasks', {
      json: { type: 'media_addition', dataset_id: 'Not An Id', input: { urls: ['https://example.org/a.png', 'ftp://example.org/b.png', 'not-a-url'] } },
    });
    expect(res.status).toBe(400);
    expect(res.body.issues.map((i) => i.field).sort()).toEqual(['dataset_id', 'input.urls.1', 'input.urls.2']);
  });
});
