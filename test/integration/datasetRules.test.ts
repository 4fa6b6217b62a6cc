import { openSync, closeSync, ftruncateSync, statfsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, removeDir } from '../support/stack';
import { fixtureServer, folderWith, pngImage, type FixtureServer } from '../support/fixtures';
import { api, startTask, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

interface Detail extends Task {
  result: Record<string, unknown> | null;
  error_detail: { message: string; step: string } | null;
}
interface Dataset {
  status: string;
  media_count: number;
  indexed: boolean;
  holders: { task_id: string }[];
  tasks: Task[];
  updated_at: string;
}

let server: FixtureServer;
// Its downloads last until they are aborted: a task held on one never ends before the test says.
let stalled: FixtureServer;
let work: string;

beforeAll(async () => {
  work = tempDir('rules');
  server = await fixtureServer({ 'green.png': pngImage([20, 240, 20], 1), 'dup.png': pngImage([20, 240, 20], 2) }, 6000);
  stalled = await fixtureServer({ 'green.png': pngImage([20, 240, 20], 3) }, 10 * 60_000);
});
afterAll(async () => {
  await Promise.all([server.close(), stalled.close()]);
  removeDir(work);
});

const newId = (label: string): string => `${label}-${Math.random().toString(36).slice(2, 8)}`;

async function create(id: string): Promise<void> {
  const folder = folderWith(join(work, id), { 'a.png': pngImage([200, 10, 10], 1), 'b.png': pngImage([10, 10, 200], 1, 24, true) });
  const task = await startTask({ type: 'dataset_creation', dataset_id: id, input: { folder } });
  const done = await waitForStatus(task.id, ['completed', 'failed'], 60_000);
  expect(done.status, done.error ?? '').toBe('completed');
}

async function dataset(id: string): Promise<Dataset> {
  return (await api<Dataset>(`/datasets/${id}`)).body;
}

async function failsWith(type: string, id: string, input: Record<string, unknown>, message: RegExp): Promise<Detail> {
  const before = await dataset(id);
  const task = await startTask({ type, dataset_id: id, tag: uniqueTag('fail'), input });
  await waitForStatus(task.id, ['completed', 'failed'], 60_000);
  const detail = (await api<Detail>(`/tasks/${task.id}`)).body;
  expect(detail.status).toBe('failed');
  expect(detail.error).toMatch(message);
  // The dataset is as it was: same version, same media, and not held by anyone.
  const after = await waitFor('the dataset released', async () => {
    const d = await dataset(id);
    return d.holders.length === 0 ? d : undefined;
  });
  expect(after).toMatchObject({ media_count: before.media_count, updated_at: before.updated_at, indexed: before.indexed, status: 'ready' });
  return detail;
}

describe('the failures the seed names end as failed with an actionable message and leave the dataset as it was', () => {
  it('incompatible file type, network failure, insufficient storage, invalid metadata format', async () => {
    const id = newId('fail');
    await create(id);

    const text = folderWith(join(work, `${id}-text`), { 'ok.png': pngImage([1, 2, 3]), 'notes.png': 'just some text, named like an image' });
    await failsWith('media_addition', id, { folder: text }, /Incompatible file type: notes\.png is not a supported image or video \(it is text\)/);

    await failsWith('media_addition', id, { urls: [`${server.url}/files/green.png`, `${server.url}/broken`] }, /Network failure downloading .*\/broken/);
    await failsWith('media_addition', id, { urls: [`${server.url}/files/missing.png`] }, /Network failure: .* answered HTTP 404/);

    // A real sparse file bigger than the free space of the data folder's disk: copying it cannot fit.
    const big = join(work, `${id}-big`);
    folderWith(big, {});
    const { bavail, bsize } = statfsSync(work);
    const fd = openSync(join(big, 'huge.png'), 'w');
    ftruncateSync(fd, bavail * bsize + 1024 ** 3);
    closeSync(fd);
    await failsWith('media_addition', id, { folder: big }, /Insufficient storage: .* needed/);
    await failsWith('media_addition', id, { urls: [`${server.url}/huge`] }, /Insufficient storage/);

    const csv = folderWith(join(work, `${id}-csv`), { 'bad.csv': 'file,label\na.png,red\nb.png,blue,extra\n', 'unknown.csv': 'file,label\nnope.png,red\n' });
    await failsWith('custom_metadata', id, { file: join(csv, 'bad.csv') }, /Invalid metadata format: .*line 3/);
    await failsWith('custom_metadata', id, { file: join(csv, 'unknown.csv') }, /Invalid metadata format: line 2: no item named "nope.png"/);
    const json = folderWith(join(work, `${id}-json`), { 'bad.json': '[\n  {"file": "a.png"},\n  {"file": "b.png",}\n]\n' });
    await failsWith('custom_metadata', id, { file: join(json, 'bad.json'), format: 'json' }, /Invalid metadata format: line 3/);

    // Creation failures leave no dataset behind, and the failed creation can be retried.
    const fresh = newId('retry');
    const failed = await startTask({ type: 'dataset_creation', dataset_id: fresh, input: { folder: text } });
    await waitForStatus(failed.id, ['failed']);
    expect((await api(`/datasets/${fresh}`)).status).toBe(404);
    const retried = await api<Task>(`/tasks/${failed.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ retry_of: failed.id, dataset_id: fresh });
  });
});

describe('dataset status and concurrency', () => {
  // Sixty: well past the ten updates Temporal admits in flight on one workflow (the dataset's
  // entity), which once turned nine of twenty starts into 500s and 503s on a loaded machine.
  it('60 concurrent starts of data-modifying tasks give exactly one task and 409 naming it for the rest', async () => {
    const id = newId('race');
    await create(id);
    // The winner must still hold the dataset when it is aborted at the end, however loaded the machine.
    const slow = `${stalled.url}/slow/green.png`;
    const bodies = Array.from({ length: 60 }, (_, i) =>
      i % 2 === 0
        ? { type: 'media_addition', input: { urls: [slow] } }
        : { type: 'custom_metadata', input: { url: `${slow}?csv` } },
    );
    const answers = await Promise.all(bodies.map((b) => api<Task & { holder?: string; error: string }>('/tasks', { method: 'POST', json: { ...b, dataset_id: id } })));
    const started = answers.filter((a) => a.status === 201);
    const refused = answers.filter((a) => a.status === 409);
    expect(started).toHaveLength(1);
    expect(refused).toHaveLength(59);
    const winner = started[0].body.id;
    for (const r of refused) {
      expect(r.body.holder).toBe(winner);
      expect(r.body.error).toContain(`task ${winner}`);
    }

    // Read Only while it runs; read-only operations (training, validation) still start.
    const held = await dataset(id);
    expect(held.status).toBe('read_only');
    expect(held.holders.map((h) => h.task_id)).toEqual([winner]);
    const reader = await api<Task>('/tasks', { method: 'POST', json: { type: 'model_validation', dataset_id: id, input: { model_id: 'none' } } });
    expect(reader.status).toBe(201);

    // A task started outside the API (Temporal CLI or any client) obeys the same rule.
    const { temporalClient } = await import('./helpers');
    const { client, close } = await temporalClient();
    try {
      const { inject } = await import('vitest');
      const handle = await client.workflow.start('reindex', { taskQueue: inject('taskQueue'), workflowId: `cli-${winner}`, args: [{ input: {}, dataset_id: id }] });
      const outside = await waitForStatus(handle.workflowId, ['failed', 'completed']);
      expect(outside.status).toBe('failed');
      expect(outside.error).toContain(`task ${winner}`);
    } finally {
      await close();
    }

    // Abort frees the dataset, which is as it was.
    expect((await api(`/tasks/${winner}/abort`, { method: 'POST' })).status).toBe(202);
    await waitForStatus(winner, ['aborted']);
    const after = await waitFor('the dataset ready again', async () => {
      const d = await dataset(id);
      return d.status === 'ready' ? d : undefined;
    });
    expect(after.media_count).toBe(2);
    const next = await api<Task>('/tasks', { method: 'POST', json: { type: 'reindex', dataset_id: id, input: {} } });
    expect(next.status).toBe(201);
    await waitForStatus(next.body.id, ['completed']);
  });

  it('a holder terminated from outside (it never releases) does not block the dataset for ever', async () => {
    const id = newId('stale');
    await create(id);
    const holder = await startTask({ type: 'media_addition', dataset_id: id, input: { urls: [`${server.url}/slow/green.png`] } });
    expect((await api('/tasks', { method: 'POST', json: { type: 'reindex', dataset_id: id, input: {} } })).status).toBe(409);
    const { temporalClient } = await import('./helpers');
    const { client, close } = await temporalClient();
    try {
      await client.workflow.getHandle(holder.id).terminate('test: a holder that never releases');
    } finally {
      await close();
    }
    const next = await api<Task>('/tasks', { method: 'POST', json: { type: 'reindex', dataset_id: id, input: {} } });
    expect(next.status).toBe(201);
    expect((await waitForStatus(next.body.id, ['completed', 'failed'])).status).toBe('completed');
    expect((await dataset(id)).media_count).toBe(2);
  });

  it('media addition leaves Partial Index: enrichment is blocked, reindex and snapshots are not', async () => {
    const id = newId('partial');
    await create(id);
    const added = await startTask({ type: 'media_addition', dataset_id: id, input: { urls: [`${server.url}/files/green.png`], reindex: false } });
    const done = await waitForStatus(added.id, ['completed', 'failed']);
    expect(done.status, done.error ?? '').toBe('completed');
    expect(await dataset(id)).toMatchObject({ status: 'partial_index', indexed: false, media_count: 3 });

    for (const type of ['enrichment', 'label_propagation', 'custom_metadata']) {
      const input = type === 'custom_metadata' ? { url: `${server.url}/files/x.csv` } : {};
      const refused = await api<{ error: string; holder: string | null }>('/tasks', { method: 'POST', json: { type, dataset_id: id, input } });
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatch(/Partial Index/);
    }
    const snapshot = await startTask({ type: 'snapshot_create', dataset_id: id, input: {} });
    expect((await waitForStatus(snapshot.id, ['completed', 'failed'])).status).toBe('completed');
    const reindex = await startTask({ type: 'reindex', dataset_id: id, input: {} });
    expect((await waitForStatus(reindex.id, ['completed', 'failed'])).status).toBe('completed');
    expect(await dataset(id)).toMatchObject({ status: 'ready', indexed: true });
  });

  it('a failed enrichment is retried from its dataset', async () => {
    const id = newId('enrich');
    // A PNG header on a truncated body: accepted by type and indexed, but it cannot be decoded.
    const broken = pngImage([9, 9, 9]).subarray(0, 60);
    const folder = folderWith(join(work, id), { 'ok.png': pngImage([200, 10, 10]), 'broken.png': broken });
    const created = await startTask({ type: 'dataset_creation', dataset_id: id, input: { folder } });
    expect((await waitForStatus(created.id, ['completed', 'failed'])).status).toBe('completed');

    const enrich = await startTask({ type: 'enrichment', dataset_id: id, input: {} });
    const failed = await waitForStatus(enrich.id, ['failed', 'completed']);
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatch(/Cannot decode broken\.png .*retry the enrichment/);
    await waitFor('the index to know the enrichment', async () => (await dataset(id)).tasks.some((t) => t.id === enrich.id) || undefined);

    const retry = await api<Task>(`/datasets/${id}/enrichment/retry`, { method: 'POST' });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ task_type: 'enrichment', retry_of: enrich.id, dataset_id: id });
    await waitForStatus(retry.body.id, ['failed']);
    expect((await api(`/datasets/${id}/enrichment/retry`, { method: 'POST' })).status).toBe(201);
    expect((await api('/datasets/no-such-dataset/enrichment/retry', { method: 'POST' })).status).toBe(404);
  });
});
