import type { SynthesisInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { cleanup, datasetOf, store } from './store';

/** Task type `synthesis`: synthetic images from the dataset's colour statistics. */
export async function synthesis(request: TaskRequest<SynthesisInput>) {
  const id = datasetOf(request);
  return runTask('synthesis', request, {
    initialize: async (input: SynthesisInput) => {
      await store.checkDataset(id, 'features');
      return input;
    },
    run: (input) => store.synthesize(id, input),
    cleanup,
  });
}
