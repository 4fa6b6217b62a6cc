import type { EmptyInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { datasetOf, store } from './store';

/** Task type `reindex`: rebuilds the media index; the dataset leaves Partial Index. */
export async function reindex(request: TaskRequest<EmptyInput>) {
  const id = datasetOf(request);
  return runTask('reindex', request, {
    initialize: () => store.checkDataset(id, 'exists'),
    run: () => store.reindexDataset(id),
    indexedAfter: () => true,
  });
}
