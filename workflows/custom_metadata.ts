import type { CustomMetadataInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { cleanup, datasetOf, store } from './store';

/** Task type `custom_metadata`: CSV or JSON metadata, validated whole before anything is written. */
export async function custom_metadata(request: TaskRequest<CustomMetadataInput>) {
  const id = datasetOf(request);
  return runTask('custom_metadata', request, {
    initialize: async (input: CustomMetadataInput) => {
      await store.checkDataset(id, 'indexed');
      return store.stageMetadata(id, input);
    },
    run: () => store.importMetadata(id),
    cleanup,
  });
}
