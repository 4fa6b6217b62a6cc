import { join } from 'node:path';
import type { TaskGraph } from '../../core/graph';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, removeDir } from '../support/stack';
import { fixtureServer, folderWith, pngImage, type FixtureServer } from '../support/fixtures';
import { api, startTask, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

interface Detail extends Task {
  result: Record<string, unknown> | null;
  error_detail: { message: string; step: string } | null;
  timeline: { status: string }[];
}
interface Dataset {
  id: string;
  name: string;
  status: string;
  media_count: number;
  indexed: boolean;
  holders: { task_id: string }[];
  tasks: Task[];
  snapshots: { id: string; media_count: number }[];
  models: { id: string; kind: string; metrics: Record<string, unknown> }[];
}

const RED: [number, number, number] = [250, 20, 20];
const BLUE: [number, number, number] = [20, 20, 250];

let server: FixtureServer;
let work: string;

beforeAll(async () => {
  work = tempDir('fixtures');
  server = await fixtureServer({ 'red-3.png': pngImage(RED, 3), 'blue-3.png': pngImage(BLUE, 3, 24, true) });
});
afterAll(async () => {
  await server.close();
  removeDir(work);
});

async function run(type: string, datasetId: string | undefined, input: Record<string, unknown>, extra: Record<string, string> = {}): Promise<Detail> {
  const task = await startTask({ type, dataset_id: datasetId, tag: uniqueTag(type), input, ...extra });
  await waitForStatus(task.id, ['completed', 'failed', 'aborted'], 60_000);
  return (await api<Detail>(`/tasks/${task.id}`)).body;
}

async function dataset(id: string): Promise<Dataset> {
  const res = await api<Dataset>(`/datasets/${id}`);
  expect(res.status).toBe(200);
  return res.body;
}

describe('dataset task types on a real store', () => {
  it('create, metadata, enrichment, propagation, snapshots, media addition with its reindex, training, validation, synthesis', async () => {
    const id = `birds-${Math.random().toString(36).slice(2, 8)}`;
    const folder = folderWith(join(work, id), {
      'red-1.png': pngImage(RED, 1),
      'red-2.png': pngImage(RED, 2),
      'blue-1.png': pngImage(BLUE, 1, 24, true),
      'blue-2.png': pngImage(BLUE, 2, 24, true),
    });

    const created = await run('dataset_creation', id, { folder }, { dataset: 'Birds' });
    expect(created.status, JSON.stringify(created.error_detail)).toBe('completed');
    expect(created.timeline.map((t) => t.status)).toEqual(['pending', 'initializing', 'running', 'completed']);
    let ds = await dataset(id);
    expect(ds).toMatchObject({ name: 'Birds', status: 'ready', media_count: 4, indexed: true });

    const csv = 'file,label,source\nred-1.png,red,camera\nblue-1.png,blue,camera\n';
    const metadata = await run('custom_metadata', id, { file: join(folderWith(join(work, `${id}-meta`), { 'meta.csv': csv }), 'meta.csv') });
    expect(metadata.status, JSON.stringify(metadata.error_detail)).toBe('completed');
    expect(metadata.result).toMatchObject({ items: 2, labels: 2 });

    const enriched = await run('enrichment', id, {});
    expect(enriched.result).toMatchObject({ enriched: 4, skipped: 0 });

    const propagated = await run('label_propagation', id, { max_distance: 10 });
    expect(propagated.status, JSON.stringify(propagated.error_detail)).toBe('completed');
    expect(propagated.result).toMatchObject({ propagated: 2 });

    const snapshot = await run('snapshot_create', id, { name: 'four birds' });
    const snapshotId = (snapshot.result as { id: string }).id;
    expect((await dataset(id)).snapshots.map((s) => s.id)).toContain(snapshotId);

    // Media addition from URLs; its reindex follows automatically and records what triggered it.
    const added = await run('media_addition', id, { urls: [`${server.url}/files/red-3.png`, `${server.url}/files/blue-3.png`] });
    expect(added.status, JSON.stringify(added.error_detail)).toBe('completed');
    const followUp = (added.result as { follow_up: string }).follow_up;
    const reindexed = await waitForStatus(followUp, ['completed', 'failed'], 60_000);
    expect(reindexed).toMatchObject({ task_type: 'reindex', status: 'completed', triggered_by: added.id, dataset_id: id });
    // The system's own edge is in the dependency graph like any other.
    const graph = await waitFor('the reindex in the graph', async () => {
      const { body } = await api<TaskGraph>(`/graph?task=${added.id}&depth=1`);
      return body.edges.length > 0 ? body : undefined;
    });
    expect(graph.edges).toEqual([{ source: added.id, target: followUp, kind: 'triggered_by', critical: true }]);
    ds = await dataset(id);
    expect(ds).toMatchObject({ status: 'ready', media_count: 6, indexed: true });
    // The dataset's tasks come from the task index, which follows visibility within a poll or two.
    await waitFor('the dataset to list its tasks', async () => {
      const ids = (await dataset(id)).tasks.map((t) => t.id);
      return [created.id, added.id, followUp].every((t) => ids.includes(t)) || undefined;
    });

    const restored = await run('snapshot_restore', id, { snapshot_id: snapshotId });
    expect(restored.status, JSON.stringify(restored.error_detail)).toBe('completed');
    expect((await dataset(id)).media_count).toBe(4);

    const cloneId = `${id}-clone`;
    const cloned = await run('snapshot_clone', id, { snapshot_id: snapshotId, new_dataset_id: cloneId });
    expect(cloned.status, JSON.stringify(cloned.error_detail)).toBe('completed');
    expect(await dataset(cloneId)).toMatchObject({ media_count: 4, status: 'ready' });

    const trained = await run('model_training', id, { model_name: 'bird colour', epochs: 300 });
    expect(trained.status, JSON.stringify(trained.error_detail)).toBe('completed');
    const model = trained.result as { id: string; metrics: { train_accuracy: number } };
    expect(model.metrics.train_accuracy).toBe(1);
    const alias = await run('training', id, { model_name: 'alias', epochs: 5 });
    expect(alias.status).toBe('completed');

    for (const type of ['model_validation', 'evaluation']) {
      const validated = await run(type, id, { model_id: model.id });
      expect(validated.status, JSON.stringify(validated.error_detail)).toBe('completed');
      expect(validated.result).toMatchObject({ accuracy: 1, examples: 4 });
    }
    expect((await dataset(id)).models.map((m) => m.id)).toEqual(expect.arrayContaining([model.id]));

    const synthesized = await run('synthesis', id, { count: 3, size: 8, seed: 7 });
    expect(synthesized.status, JSON.stringify(synthesized.error_detail)).toBe('completed');
    expect((synthesized.result as { images: string[] }).images).toHaveLength(3);

    const list = await api<Dataset[]>('/datasets');
    expect(list.body.map((d) => d.id)).toEqual(expect.arrayContaining([id, cloneId]));
  });

  it('the README example plugin type auto_labeling runs enrichment and label propagation in one task', async () => {
    const id = `plugin-${Math.random().toString(36).slice(2, 8)}`;
    const folder = folderWith(join(work, id), { 'red-1.png': pngImage(RED, 1), 'red-2.png': pngImage(RED, 2), 'blue-1.png': pngImage(BLUE, 1, 24, true) });
    expect((await run('dataset_creation', id, { folder })).status).toBe('completed');
    const csv = join(folderWith(join(work, `${id}-meta`), { 'labels.csv': 'file,label\nred-1.png,red\n' }), 'labels.csv');
    expect((await run('custom_metadata', id, { file: csv })).status).toBe('completed');
    const labelled = await run('auto_labeling', id, { max_distance: 10 });
    expect(labelled.status, JSON.stringify(labelled.error_detail)).toBe('completed');
    expect(labelled.result).toMatchObject({ enriched: 3, propagated: 1 });
    expect((await api<Task[]>(`/tasks?task_type=auto_labeling&dataset_id=${id}`)).body.map((t) => t.id)).toEqual([labelled.id]);
  });

  it('dataset_upload and model_upload ingest from URLs', async () => {
    const id = `upload-${Math.random().toString(36).slice(2, 8)}`;
    const uploaded = await run('dataset_upload', id, { urls: [`${server.url}/files/red-3.png`] });
    expect(uploaded.status, JSON.stringify(uploaded.error_detail)).toBe('completed');
    expect(await dataset(id)).toMatchObject({ media_count: 1, status: 'ready' });

    const model = await run('model_upload', undefined, { name: 'weights', urls: [`${server.url}/files/blue-3.png`] });
    expect(model.status, JSON.stringify(model.error_detail)).toBe('completed');
    expect(model.result).toMatchObject({ kind: 'uploaded', name: 'weights' });
    await waitFor('listed', async () => (await api<Task[]>(`/tasks?task_type=model_upload&task_type=dataset_upload`)).body.length >= 2 || undefined);
  });
});
