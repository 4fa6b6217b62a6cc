import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { DatasetStore } from '../../api/datasetStore';
import { HttpError } from '../../api/errors';
import type { TaskIndex } from '../../api/taskIndex';
import { TaskService } from '../../api/taskService';
import { SA, type DatasetManifest } from '../../core';

/**
 * What `TaskService` decides at submit, before Temporal is asked anything: the dataset's name a
 * task carries, and a dataset to create that already exists. Temporal and the index are not
 * there: a test that reached them would fail.
 */
const manifest = (id: string, name: string): DatasetManifest => ({
  id,
  name,
  created_at: '2025-01-01T00:00:00.000Z',
  updated_at: '2025-01-01T00:00:00.000Z',
  indexed: true,
  media_count: 18,
  bytes: 1000,
  last_task: null,
  source_snapshot: null,
});

const STORE: Record<string, DatasetManifest> = { birds: manifest('birds', 'Birds') };

const unreachable = new Proxy(
  {},
  {
    get: (_target, key) => {
      throw new Error(`Temporal was reached (${String(key)}): the submit should have been decided before`);
    },
  },
);

function service(): TaskService {
  const datasets = {
    manifest: async (id: string) => STORE[id],
    exists: async (id: string) => id in STORE,
  } as unknown as DatasetStore;
  return new TaskService({
    client: unreachable as Client,
    index: unreachable as TaskIndex,
    taskQueue: 'q',
    namespace: 'default',
    temporalUiUrl: undefined,
    datasets,
  });
}

describe("a task's dataset name", () => {
  it('is filled from the store when the task names only dataset_id (the docs\' media_addition example)', async () => {
    const prepared = await service().prepare({ type: 'media_addition', input: { urls: ['https://example.org/owl.jpg'] }, meta: { dataset_id: 'birds' } }, undefined);
    expect(prepared.request.dataset).toBe('Birds');
    expect(prepared.start.searchAttributes.find((pair) => pair.key.name === SA.dataset.name)?.value).toBe('Birds');
  });

  it('is filled for any type that names a known dataset_id, and a name given is kept', async () => {
    const command = await service().prepare({ type: 'command', input: { command: 'true' }, meta: { dataset_id: 'birds' } }, undefined);
    expect(command.request.dataset).toBe('Birds');
    const given = await service().prepare({ type: 'reindex', input: {}, meta: { dataset_id: 'birds', dataset: 'My birds' } }, undefined);
    expect(given.request.dataset).toBe('My birds');
  });

  it('of a dataset to create is the name it will get: the given name, else the task name, else its id', async () => {
    const byId = await service().prepare({ type: 'dataset_creation', input: { folder: '/data' }, meta: { dataset_id: 'owls' } }, undefined);
    expect(byId.request.dataset).toBe('owls');
    const byName = await service().prepare({ type: 'dataset_creation', input: { folder: '/data' }, meta: { dataset_id: 'owls', name: 'Owl import' } }, undefined);
    expect(byName.request.dataset).toBe('Owl import');
  });

  it('stays empty for a dataset the store does not know', async () => {
    const prepared = await service().prepare({ type: 'reindex', input: {}, meta: { dataset_id: 'nowhere' } }, undefined);
    expect(prepared.request.dataset).toBeUndefined();
  });
});

describe('a dataset to create that already exists', () => {
  const refusal = async (submit: Promise<unknown>): Promise<HttpError> => {
    const err = await submit.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(HttpError);
    return err as HttpError;
  };

  it.each(['dataset_creation', 'dataset_upload'] as const)('is refused at submit with a 409 (%s), before any lease or workflow', async (type) => {
    const err = await refusal(service().submit({ type, input: { folder: '/data' }, meta: { dataset_id: 'birds' } }, undefined));
    expect(err.status).toBe(409);
    expect(err.message).toBe('Dataset birds already exists; choose another dataset_id');
    expect(err.field).toBe('dataset_id');
    expect(err.extra).toMatchObject({ dataset_id: 'birds' });
  });

  it("is refused for snapshot_clone's new_dataset_id too", async () => {
    const err = await refusal(
      service().submit({ type: 'snapshot_clone', input: { snapshot_id: 'snap-1', new_dataset_id: 'birds' }, meta: { dataset_id: 'birds' } }, undefined),
    );
    expect(err.status).toBe(409);
    expect(err.field).toBe('input.new_dataset_id');
    expect(err.message).toBe('Dataset birds already exists; choose another new_dataset_id');
  });
});
