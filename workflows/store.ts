import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { TaskActivities } from '../activities';
import { gpuTaskQueue } from '../core';

const storeOptions = {
  startToCloseTimeout: '4 hours',
  // Store activities heartbeat (activities/heartbeat.ts): a lost worker is noticed within this
  // time, and abort reaches them with a heartbeat.
  heartbeatTimeout: '15 seconds',
  retry: { maximumAttempts: 3 },
} as const;

/** Store activities on the task queue of the task itself. */
export const store = proxyActivities<TaskActivities>(storeOptions);

/** The heavy activity of a GPU-bound type, on the GPU queue, whose worker runs one at a time. */
export function gpuStore() {
  return proxyActivities<TaskActivities>({ ...storeOptions, taskQueue: gpuTaskQueue(workflowInfo().taskQueue) });
}

/** Every task removes its staging folder when it ends, whatever the outcome. */
export const cleanup = (): Promise<void> => store.cleanupStaging();

/** The dataset of a task; the lifecycle has already failed the task if it has none. */
export const datasetOf = (request: { dataset_id?: string }): string => request.dataset_id ?? '';
