import type { EvaluationInput, TaskRequest } from '../core';
import { evaluateOnDataset } from './model_validation';

/** Task type `evaluation`: Vectorize's name for model validation. */
export async function evaluation(request: TaskRequest<EvaluationInput>) {
  return evaluateOnDataset('evaluation', request);
}
