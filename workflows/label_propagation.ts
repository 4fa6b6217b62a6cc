import type { LabelPropagationInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { datasetOf, store } from './store';

/** Task type `label_propagation`: labels copied to near-duplicates. */
export async function label_propagation(request: TaskRequest<LabelPropagationInput>) {
  const id = datasetOf(request);
  return runTask('label_propagation', request, {
    initialize: async (input: LabelPropagationInput) => {
      await store.checkDataset(id, 'features');
      return input;
    },
    run: (input) => store.propagateLabels(id, input),
  });
}
