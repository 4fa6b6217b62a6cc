import type { SnapshotCloneInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { cleanup, datasetOf, store } from './store';

/** Task type `snapshot_clone`: a new, independent dataset from a snapshot. */
export async function snapshot_clone(request: TaskRequest<SnapshotCloneInput>) {
  const id = datasetOf(request);
  return runTask('snapshot_clone', request, {
    initialize: async (input: SnapshotCloneInput) => {
      await store.checkSnapshot(id, input);
      return input;
    },
    run: (input) => store.cloneSnapshot(id, input),
    cleanup,
  });
}
