import type { TaskRequest, TrainingInput } from '../core';
import { runTask } from './lifecycle';
import { cleanup, datasetOf, gpuStore, store } from './store';

/** Shared by model_training and its Vectorize alias training. */
export function trainOnDataset(type: 'model_training' | 'training', request: TaskRequest<TrainingInput>) {
  const id = datasetOf(request);
  return runTask(type, request, {
    initialize: async (input: TrainingInput) => {
      await store.checkTrainingData(id, input);
      return input;
    },
    run: (input) => gpuStore().trainModel(id, input),
    cleanup,
  });
}

/** Task type `model_training`: a model trained on the dataset (GPU-bound: one at a time). */
export async function model_training(request: TaskRequest<TrainingInput>) {
  return trainOnDataset('model_training', request);
}
