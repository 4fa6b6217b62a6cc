import { join } from 'node:path';
import { taskExecution } from './context';
import { STORE, datasetManifest, gpuQueueId, gpuRequestSignal, type DatasetAccess, type GpuRequest } from '../core';
import { acquireDatasetLease, isTaskOpen, type LeaseOutcome } from '../runtime/leases';
import type { ActivityDeps } from './deps';
import { readJson } from './store/files';

/** Activities behind the dataset and GPU leases; the workflows cannot call a client themselves. */
export function createLeaseActivities(deps: ActivityDeps) {
  return {
    /** The same idempotent update the API sends before it starts a task. */
    async acquireDatasetLease(request: { dataset_id: string; task_type: string; access: DatasetAccess }): Promise<LeaseOutcome> {
      const taskId = taskExecution().workflowId;
      const manifest = await readJson(join(deps.dataRoot, STORE.datasets, request.dataset_id, STORE.current, STORE.manifest), undefined, null as unknown);
      const parsed = datasetManifest.safeParse(manifest);
      return acquireDatasetLease(deps.client, deps.taskQueue, request.dataset_id, {
        task_id: taskId,
        task_type: request.task_type,
        access: request.access,
        indexed_on_disk: parsed.success ? parsed.data.indexed : true,
      });
    },

    /** Joins the GPU line, starting the GPU queue workflow if it is not running. */
    async requestGpu(request: GpuRequest): Promise<void> {
      await deps.client.workflow.signalWithStart('gpuQueue', {
        workflowId: gpuQueueId(deps.taskQueue),
        taskQueue: deps.taskQueue,
        args: [{ queue: [] }],
        signal: gpuRequestSignal,
        signalArgs: [request],
        staticSummary: 'Taskdeck GPU queue: one GPU-bound task at a time',
      });
    },

    async isTaskOpen(taskId: string): Promise<boolean> {
      return isTaskOpen(deps.client, taskId);
    },
  };
}
