import type { IngestInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { cleanup, datasetOf, gpuStore, store } from './store';

/** Shared by dataset_creation and its Vectorize alias dataset_upload. */
export function ingestDataset(type: 'dataset_creation' | 'dataset_upload', request: TaskRequest<IngestInput>) {
  const id = datasetOf(request);
  return runTask(type, request, {
    initialize: (input: IngestInput) => store.stageMedia(input),
    run: () => gpuStore().createDatasetFromStaged(id, request.dataset ?? request.name),
    indexedAfter: () => true,
    cleanup,
  });
}

/** Task type `dataset_creation`: a new dataset from a folder or URLs (GPU-bound: one at a time). */
export async function dataset_creation(request: TaskRequest<IngestInput>) {
  return ingestDataset('dataset_creation', request);
}
