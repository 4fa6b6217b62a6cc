import type { EvaluationInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { datasetOf, store } from './store';

/** Shared by model_validation and its Vectorize alias evaluation. */
export function evaluateOnDataset(type: 'model_validation' | 'evaluation', request: TaskRequest<EvaluationInput>) {
  const id = datasetOf(request);
  return runTask(type, request, {
    initialize: async (input: EvaluationInput) => {
      await store.checkDataset(id, 'features');
      return input;
    },
    run: (input) => store.evaluateModel(id, input),
  });
}

/** Task type `model_validation`: a stored model's accuracy on the dataset. */
export async function model_validation(request: TaskRequest<EvaluationInput>) {
  return evaluateOnDataset('model_validation', request);
}
