import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { folderWith, pngImage } from '../support/fixtures';
import { removeDir, tempDir } from '../support/stack';
import { api, startTask, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

/**
 * What a new user ran into on a fresh stack, through the API: datasets that lost their name, a
 * creation refused minutes late, progress that said finished, a stale message, dataset tasks
 * without logs, a blank worker, and a list of batches that did not exist.
 */
interface Detail extends Task {
  worker: string | null;
  error_detail: { message: string; step: string } | null;
}
interface LogPage {
  lines: string[];
  counts: { stdout: number; stderr: number };
}

const RED: [number, number, number] = [250, 20, 20];
const BLUE: [number, number, number] = [20, 20, 250];

let work: string;
beforeAll(() => {
  work = tempDir('new-user');
});
afterAll(() => removeDir(work));

const detail = async (id: string) => (await api<Detail>(`/tasks/${id}`)).body;
const logLines = async (id: string, stream: 'stdout' | 'stderr' = 'stdout') => (await api<LogPage>(`/tasks/${id}/logs?stream=${stream}`)).body.lines;

async function createDataset(id: string, name: string, tag: string): Promise<Task> {
  const folder = folderWith(join(work, id), { 'red-1.png': pngImage(RED, 1), 'red-2.png': pngImage(RED, 2), 'blue-1.png': pngImage(BLUE, 1, 24, true) });
  const created = await startTask({ type: 'dataset_creation', dataset: name, dataset_id: id, tag, input: { folder } });
  const done = await waitForStatus(created.id, ['completed', 'failed'], 90_000);
  expect(done.status, JSON.stringify(done.error)).toBe('completed');
  return done;
}

describe('a dataset task started with only dataset_id', () => {
  it("carries the dataset's name, and the Dataset filter finds it by name or id whatever the case", async () => {
    const tag = uniqueTag('named');
    const id = `birds-${Math.random().toString(36).slice(2, 8)}`;
    await createDataset(id, 'Birds', tag);
    const more = folderWith(join(work, `${id}-more`), { 'blue-2.png': pngImage(BLUE, 2, 24, true) });
    // The docs' own example: media_addition with dataset_id and no dataset name.
    const added = await startTask({ type: 'media_addition', dataset_id: id, tag, input: { folder: more, reindex: false } });
    expect(added.dataset).toBe('Birds');
    await waitForStatus(added.id, ['completed', 'failed'], 60_000);

    for (const typed of ['Birds', 'birds', 'BIRDS', id]) {
      const { body } = await api<Task[]>(`/tasks?tag=${tag}&dataset=${encodeURIComponent(typed)}`);
      expect(body.map((t) => t.task_type).sort(), typed).toEqual(['dataset_creation', 'media_addition']);
    }
    expect((await api<Task[]>(`/tasks?tag=${tag}`)).body.every((t) => t.dataset === 'Birds')).toBe(true);
  });
});

describe('a dataset to create whose id exists', () => {
  it('is refused at submit with a 409, for a creation, a clone and a pipeline, and nothing starts', async () => {
    const tag = uniqueTag('exists');
    const id = `exists-${Math.random().toString(36).slice(2, 8)}`;
    await createDataset(id, 'Existing', tag);

    const again = await api<{ error: string; field: string; dataset_id: string }>('/tasks', {
      method: 'POST',
      json: { type: 'dataset_creation', dataset_id: id, tag, input: { folder: join(work, id) } },
    });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ error: `Dataset ${id} already exists; choose another dataset_id`, field: 'dataset_id', dataset_id: id });

    const clone = await api<{ field: string }>('/tasks', {
      method: 'POST',
      json: { type: 'snapshot_clone', dataset_id: id, tag, input: { snapshot_id: 'any', new_dataset_id: id } },
    });
    expect(clone.status).toBe(409);
    expect(clone.body.field).toBe('input.new_dataset_id');

    const pipeline = await api<{ field: string }>('/pipelines', {
      method: 'POST',
      json: { name: tag, tasks: [{ key: 'make', type: 'dataset_creation', dataset_id: id, input: { folder: join(work, id) } }] },
    });
    expect(pipeline.status).toBe(409);
    expect(pipeline.body.field).toBe('tasks.0.dataset_id');
    expect((await api<Task[]>(`/tasks?tag=${tag}`)).body).toHaveLength(1);
  });
});

describe('a pipeline task that waited for its upstream task, then ran and failed', () => {
  it('no longer says it waits for the upstream task', async () => {
    const tag = uniqueTag('stale');
    const res = await api<{ id: string; tasks: { key: string; id: string }[] }>('/pipelines', {
      method: 'POST',
      json: {
        name: tag,
        tag,
        tasks: [
          { key: 'extract', type: 'command', input: { command: 'sleep 1' } },
          { key: 'load', type: 'command', input: { command: 'echo loading; exit 2' }, depends_on: ['extract'] },
        ],
      },
    });
    expect(res.status).toBe(201);
    const load = res.body.tasks.find((t) => t.key === 'load')!.id;
    await waitFor('load to wait for extract', async () => (await detail(load)).message?.startsWith('Waiting for upstream task') || undefined);
    const failed = await waitForStatus(load, ['failed', 'completed'], 60_000);
    expect(failed).toMatchObject({ status: 'failed', exit_code: 2 });
    expect((await detail(load)).message ?? '').not.toContain('Waiting for');
    const row = await waitFor('the row', async () => (await api<Task[]>(`/tasks?tag=${tag}&status=failed`)).body.find((t) => t.id === load));
    expect(row.message ?? '').not.toContain('Waiting for');
  });
});

describe('the logs of dataset tasks', () => {
  it('say what the task read, stored, skipped and why, and how long it took', async () => {
    const tag = uniqueTag('logs');
    const id = `logs-${Math.random().toString(36).slice(2, 8)}`;
    const created = await createDataset(id, 'Logged', tag);
    const lines = (await logLines(created.id)).join('\n');
    for (const name of ['red-1.png', 'red-2.png', 'blue-1.png']) expect(lines).toContain(name);
    expect(lines).toMatch(/stored 3 new items/i);
    expect(lines).toMatch(/finished in \d/i);

    // The same file again: skipped, and the log says why.
    const again = folderWith(join(work, `${id}-again`), { 'copy-of-red-1.png': pngImage(RED, 1) });
    const added = await startTask({ type: 'media_addition', dataset_id: id, tag, input: { folder: again, reindex: false } });
    await waitForStatus(added.id, ['completed', 'failed'], 60_000);
    expect((await logLines(added.id)).join('\n')).toMatch(/skipped copy-of-red-1\.png: .*same content/i);

    // A failure is logged too, on stderr as well.
    const bad = folderWith(join(work, `${id}-bad`), { 'notes.txt': 'not an image' });
    const refused = await startTask({ type: 'media_addition', dataset_id: id, tag, input: { folder: bad, reindex: false } });
    await waitForStatus(refused.id, ['failed', 'completed'], 60_000);
    expect((await logLines(refused.id, 'stderr')).join('\n')).toMatch(/notes\.txt is not a supported image or video/);
  });
});

describe('a Custom Metadata task whose file is refused', () => {
  it('fails without saying its work was done, and its log names the line', async () => {
    const tag = uniqueTag('metadata');
    const id = `meta-${Math.random().toString(36).slice(2, 8)}`;
    await createDataset(id, 'Metadata', tag);
    const csv = folderWith(join(work, `${id}-csv`), { 'bad.csv': 'file,label\nred-1.png,red\nred-2.png,red,extra\n' });
    const task = await startTask({ type: 'custom_metadata', dataset_id: id, tag, input: { file: join(csv, 'bad.csv') } });
    const failed = await waitForStatus(task.id, ['failed', 'completed'], 60_000);
    expect(failed.status).toBe('failed');
    expect(failed.progress).toBeLessThan(100);
    const row = await waitFor('the row', async () => (await api<Task[]>(`/tasks?tag=${tag}&status=failed`)).body.find((t) => t.id === task.id));
    expect(row.progress).toBeLessThan(100);
    expect((await logLines(task.id, 'stderr')).join('\n')).toMatch(/line 3/);
  });
});

describe('the worker of a finished task', () => {
  it('is still named once the task has ended', async () => {
    const task = await startTask({ tag: uniqueTag('worker'), input: { command: 'echo hi' } });
    await waitForStatus(task.id, ['completed']);
    expect((await detail(task.id)).worker).toMatch(/\S+/);
  });
});

describe('GET /batches', () => {
  it('lists the batches, newest first, with status, counts and progress as work done', async () => {
    const tag = uniqueTag('batches');
    const created = await api<{ id: string }>('/batches', {
      method: 'POST',
      json: { name: tag, tasks: [{ type: 'command', tag, input: { command: 'true' } }, { type: 'command', tag, input: { command: 'exit 4' } }] },
    });
    expect(created.status).toBe(201);
    const listed = await waitFor('the batch to end', async () => {
      const { body } = await api<{ id: string; status: string; total: number; finished: number; progress: number; counts: Record<string, number> }[]>('/batches');
      const batch = body.find((b) => b.id === created.body.id);
      return batch?.finished === 2 ? batch : undefined;
    });
    expect(listed).toMatchObject({ status: 'failed', total: 2, counts: { completed: 1, failed: 1 } });
    expect(listed.progress).toBeLessThan(100);
  });
});
