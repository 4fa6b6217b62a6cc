// The workflow bundle's entry: every task type's workflow, exported under its type id, and the
// two entity workflows behind the concurrency rules and the pipeline parent with its segments
// (not task types: never in the task table).
export { auto_labeling } from './auto_labeling';
export { command } from './command';
export { custom_metadata } from './custom_metadata';
export { dataset_creation } from './dataset_creation';
export { dataset_upload } from './dataset_upload';
export { enrichment } from './enrichment';
export { evaluation } from './evaluation';
export { label_propagation } from './label_propagation';
export { media_addition } from './media_addition';
export { model_training } from './model_training';
export { model_upload } from './model_upload';
export { model_validation } from './model_validation';
export { reindex } from './reindex';
export { snapshot_clone } from './snapshot_clone';
export { snapshot_create } from './snapshot_create';
export { snapshot_restore } from './snapshot_restore';
export { synthesis } from './synthesis';
export { training } from './training';
export { datasetEntity } from './datasetEntity';
export { gpuQueue } from './gpuQueue';
export { resourceAllocator } from './resourceAllocator';
export { taskdeck_pipeline, taskdeck_pipeline_segment } from './pipeline';
export { taskdeck_bulk_retry } from './bulkRetry';
