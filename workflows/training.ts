import type { TaskRequest, TrainingInput } from '../core';
import { trainOnDataset } from './model_training';

/** Task type `training`: Vectorize's name for model training. */
export async function training(request: TaskRequest<TrainingInput>) {
  return trainOnDataset('training', request);
}
