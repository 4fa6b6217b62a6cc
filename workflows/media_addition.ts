import type { MediaAdditionInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { cleanup, datasetOf, store } from './store';

/** Task type `media_addition`: adds media; the dataset is in Partial Index until its reindex completes. */
export async function media_addition(request: TaskRequest<MediaAdditionInput>) {
  const id = datasetOf(request);
  return runTask('media_addition', request, {
    initialize: (input: MediaAdditionInput) => store.stageMedia({ folder: input.folder, urls: input.urls }),
    run: () => store.addStagedMedia(id),
    indexedAfter: (result) => result.indexed,
    // The reindex takes over the dataset lease, so no other write slips in between.
    followUp: (input, result) => (input.reindex && !result.indexed ? { type: 'reindex', input: {} } : undefined),
    cleanup,
  });
}
