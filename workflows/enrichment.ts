import type { EmptyInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { datasetOf, store } from './store';

/** Task type `enrichment`: perceptual hash and mean colour of every image. */
export async function enrichment(request: TaskRequest<EmptyInput>) {
  const id = datasetOf(request);
  return runTask('enrichment', request, {
    initialize: () => store.checkDataset(id, 'indexed'),
    run: () => store.enrichDataset(id),
  });
}
