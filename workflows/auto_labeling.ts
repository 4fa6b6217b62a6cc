import type { LabelPropagationInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { datasetOf, store } from './store';

/**
 * Task type `auto_labeling`, the README's worked example of adding a task type: one workflow
 * file composing existing store activities, plus its catalog entry in core/taskTypes.ts.
 */
export async function auto_labeling(request: TaskRequest<LabelPropagationInput>) {
  const id = datasetOf(request);
  return runTask('auto_labeling', request, {
    initialize: async (input: LabelPropagationInput) => {
      await store.checkDataset(id, 'indexed');
      return input;
    },
    run: async (input) => {
      const features = await store.enrichDataset(id);
      const labels = await store.propagateLabels(id, input);
      return { ...features, ...labels };
    },
  });
}
