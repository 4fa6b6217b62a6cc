import type { SnapshotRestoreInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { datasetOf, store } from './store';

/** Task type `snapshot_restore`: the dataset rolled back to a snapshot, all or nothing. */
export async function snapshot_restore(request: TaskRequest<SnapshotRestoreInput>) {
  const id = datasetOf(request);
  return runTask('snapshot_restore', request, {
    initialize: async (input: SnapshotRestoreInput) => {
      await store.checkSnapshot(id, input);
      return input;
    },
    run: (input) => store.restoreSnapshot(id, input),
    indexedAfter: (result) => result.indexed,
  });
}
