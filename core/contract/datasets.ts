import { z } from 'zod';
import { DATASET_STATUSES, datasetId, datasetManifest, modelInfo, snapshotInfo } from '../datasets';
import { taskRecord } from './tasks';

export const datasetParams = z.strictObject({ id: datasetId });

const holder = z.strictObject({ task_id: z.string(), task_type: z.string(), since: z.iso.datetime() });

/** A dataset of the store with its status under the concurrency rules. */
const datasetState = datasetManifest.strict().extend({
  status: z.enum(DATASET_STATUSES),
  status_label: z.string().describe('Ready, Read Only or Partial Index'),
  holders: z.array(holder).describe('Tasks modifying the dataset now (it is Read Only while there are any)'),
});

/** An entry of `GET /datasets`: the dataset and its 20 newest tasks. */
export const datasetSummary = datasetState.extend({ tasks: z.array(taskRecord).max(20) });
export type DatasetSummary = z.infer<typeof datasetSummary>;

/** `GET /datasets/:id`. */
export const datasetDetail = datasetState.extend({
  tasks: z.array(taskRecord),
  snapshots: z.array(snapshotInfo.strict()),
  models: z.array(modelInfo.strict()),
});
export type DatasetDetail = z.infer<typeof datasetDetail>;
