import type { SnapshotCreateInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { cleanup, datasetOf, store } from './store';

/** Task type `snapshot_create`: the dataset as it is now, in its snapshot catalog. */
export async function snapshot_create(request: TaskRequest<SnapshotCreateInput>) {
  const id = datasetOf(request);
  return runTask('snapshot_create', request, {
    initialize: async (input: SnapshotCreateInput) => {
      await store.checkDataset(id, 'exists');
      return input;
    },
    run: (input) => store.createSnapshot(id, input),
    cleanup,
  });
}
