import { request as httpRequest } from 'node:http';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TaskTable } from '../../../api/taskTable';
import { buildTaskGraph } from '../../../core';
import type { TaskRecord } from '../../../core/contract';
import { HOUR, record } from '../fixtures';
import { inProcessApi, request } from './inProcess';

/** A chain of `n` tasks of batch `big`: the first third completed, every 17th of the next tenth failed, the rest pending. */
function chain(n: number): TaskRecord[] {
  // Created within the graph's default window (the last 14 days).
  const start = Date.now() - HOUR;
  return Array.from({ length: n }, (_, i) => {
    const status = i < n / 3 ? 'completed' : i < n / 3 + n / 10 && i % 17 === 0 ? 'failed' : 'pending';
    const created = start + i;
    return record({
      id: `big-${i}`,
      name: `step ${i}`,
      batch_id: 'big',
      status,
      depends_on: i === 0 ? [] : [`big-${i - 1}`],
      created_at: new Date(created).toISOString(),
      started_at: status === 'pending' ? null : new Date(created + 1000).toISOString(),
      end_date: status === 'pending' ? null : new Date(created + 61_000).toISOString(),
      error: status === 'failed' ? 'exit code 1' : null,
    });
  });
}

/** The raw bytes of an answer and its headers, not decompressed. */
function raw(url: string, headers: Record<string, string>): Promise<{ headers: Record<string, unknown>; body: Buffer }> {
  return new Promise((resolve, reject) => {
    httpRequest(url, { headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ headers: res.headers, body: Buffer.concat(chunks) }));
    })
      .on('error', reject)
      .end();
  });
}

describe('GET /graph of a big batch', { timeout: 60_000 }, () => {
  const tasks = chain(12_000);
  let api: Awaited<ReturnType<typeof inProcessApi>>;
  beforeAll(async () => {
    api = await inProcessApi({ tasks });
  });
  afterAll(() => api.close());

  it('answers with the graph buildTaskGraph makes, the same text gzipped when the client takes it', async () => {
    // No task runs, so no duration depends on when the graph is made.
    const scope = { batch: 'big', within_hours: 336 };
    const expected = JSON.stringify(buildTaskGraph(TaskTable.from(tasks).graphTasks(scope, 2, Date.now()), scope, Date.now()));
    expect(expected.length).toBeGreaterThan(1_000_000);
    const plain = await raw(`${api.url}/graph?batch=big`, { 'accept-encoding': 'identity' });
    expect(plain.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(plain.headers['content-encoding']).toBeUndefined();
    // Compared as a whole (a diff of megabytes is no help).
    expect(plain.body.toString() === expected).toBe(true);
    const zipped = await raw(`${api.url}/graph?batch=big`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(zipped.headers['content-encoding']).toBe('gzip');
    expect(zipped.body.length).toBeLessThan(expected.length / 10);
    expect(gunzipSync(zipped.body).toString() === expected).toBe(true);
    // And within the contract, as every answer the tests get.
    const checked = await request<{ nodes: unknown[] }>(api.url, 'GET', '/graph?batch=big');
    expect(checked.body.nodes).toHaveLength(12_000);
  });

  it('answers other requests while it makes the graph', async () => {
    const order: string[] = [];
    const graph = fetch(`${api.url}/graph?batch=big`).then(async (res) => {
      order.push('graph headers');
      await res.arrayBuffer();
      order.push('graph body');
    });
    await new Promise((resolve) => setTimeout(resolve, 5));
    const list = fetch(`${api.url}/tasks?limit=1`).then(async (res) => {
      await res.json();
      order.push('list');
    });
    await Promise.all([graph, list]);
    expect(order).toEqual(['list', 'graph headers', 'graph body']);
  });
});
