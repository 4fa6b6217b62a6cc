import type { ModelUploadInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';
import { cleanup, store } from './store';

/** Task type `model_upload`: a model file or folder (local or URLs) into the model store. */
export async function model_upload(request: TaskRequest<ModelUploadInput>) {
  return runTask('model_upload', request, {
    initialize: async (input: ModelUploadInput) => {
      await store.stageModel(input);
      return input;
    },
    run: (input) => store.storeModel(input),
    cleanup,
  });
}
