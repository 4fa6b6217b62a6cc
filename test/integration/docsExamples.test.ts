import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixtureServer, folderWith, pngImage, type FixtureServer } from '../support/fixtures';
import { ROOT, removeDir, tempDir } from '../support/stack';
import { api, uniqueTag, waitForStatus, type Task } from './helpers';

/**
 * The README's and the reference's curl examples, read from the files and sent as written to the
 * real stack: a change that breaks one (a default, a field, a filter) fails here.
 */
const doc = (path: string) => readFileSync(join(ROOT, path), 'utf8');

/** The JSON bodies of the `curl -s -X POST localhost:8080/tasks … -d '…'` commands of a document. */
function startBodies(text: string): Record<string, unknown>[] {
  return [...text.matchAll(/curl -s -X POST localhost:8080\/tasks (?:(?!curl)[\s\S])*?-d '([^']+)'/g)].map((m) => JSON.parse(m[1]) as Record<string, unknown>);
}

/** The `curl -s '<path>'` list queries of a document, as paths. */
function listQueries(text: string): string[] {
  return [...text.matchAll(/^curl -s '(?:http:\/\/)?localhost:8080(\/tasks[^']*)'/gm)].map((m) => m[1]);
}

let work: string;
let server: FixtureServer;
beforeAll(async () => {
  work = tempDir('docs-examples');
  server = await fixtureServer({ 'owl.jpg': pngImage([40, 120, 200], 3) });
});
afterAll(async () => {
  await server?.close();
  removeDir(work);
});

describe("the README's example", () => {
  it('starts a command task that reports its progress and completes', async () => {
    const [body] = startBodies(doc('README.md'));
    expect(body).toMatchObject({ type: 'command', name: 'hello' });
    const res = await api<Task>('/tasks', { method: 'POST', json: body });
    expect(res.status).toBe(201);
    const done = await waitForStatus(res.body.id, ['completed', 'failed'], 60_000);
    expect(done).toMatchObject({ status: 'completed', progress: 100 });
    // The README says the task table lists it; the list's default window (the last hour) has it
    // (found by its id: other tests start many tasks meanwhile, more than a first page).
    expect((await api<Task[]>(`/tasks?q=${done.id}`)).body.map((t) => t.id)).toEqual([done.id]);
  });
});

describe("docs/api.md's list examples", () => {
  it('are each answered with tasks, as written', async () => {
    const queries = listQueries(doc('docs/api.md'));
    expect(queries).toContain('/tasks');
    expect(queries).toContain('/tasks?within_hours=336');
    for (const path of queries) expect((await api(path)).status, path).toBe(200);
  });
});

describe("docs/task-types.md's dataset examples", () => {
  it("create a dataset, then add media to it by its id alone, and the addition carries the dataset's name", async () => {
    const [creation, addition] = startBodies(doc('docs/task-types.md'));
    expect(creation).toMatchObject({ type: 'dataset_creation', dataset: 'Birds', dataset_id: 'birds' });
    expect(addition).toMatchObject({ type: 'media_addition', dataset_id: 'birds' });
    expect(addition).not.toHaveProperty('dataset');
    // Only what names this machine changes: the folder, the URL, and an id no other test uses.
    const id = uniqueTag('birds');
    const folder = folderWith(join(work, id), { 'red.png': pngImage([250, 20, 20], 1) });
    const created = await api<Task>('/tasks', { method: 'POST', json: { ...creation, dataset_id: id, input: { folder } } });
    expect(created.status).toBe(201);
    expect((await waitForStatus(created.body.id, ['completed', 'failed'], 90_000)).status).toBe('completed');

    const added = await api<Task>('/tasks', { method: 'POST', json: { ...addition, dataset_id: id, input: { urls: [`${server.url}/files/owl.jpg`] } } });
    expect(added.status).toBe(201);
    expect(added.body.dataset).toBe('Birds');
    expect((await waitForStatus(added.body.id, ['completed', 'failed'], 90_000)).status).toBe('completed');
    const { body: dataset } = await api<{ name: string; media_count: number }>(`/datasets/${id}`);
    expect(dataset).toMatchObject({ name: 'Birds', media_count: 2 });
  });
});
