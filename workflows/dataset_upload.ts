import type { IngestInput, TaskRequest } from '../core';
import { ingestDataset } from './dataset_creation';

/** Task type `dataset_upload`: Vectorize's name for dataset creation. */
export async function dataset_upload(request: TaskRequest<IngestInput>) {
  return ingestDataset('dataset_upload', request);
}
