import { join } from 'node:path';
import { taskExecution } from './context';
import { STORE, datasetManifest, gpuQueueId, gpuRequestSignal, resourceRequestSignal, type DatasetAccess, type GpuRequest, type ResourceAsk } from '../core';
import { allocatorStart, nodesHealth } from '../runtime/nodes';
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

    /** Asks the resource allocator for a node and resources, starting it if it is not running. */
    async requestResources(ask: ResourceAsk): Promise<void> {
      await deps.client.workflow.signalWithStart('resourceAllocator', { ...allocatorStart(deps.taskQueue), signal: resourceRequestSignal, signalArgs: [ask] });
    },

    /** Which nodes' workers Temporal still sees, for the allocator. */
    async nodeLiveness(names: string[]): Promise<Record<string, boolean>> {
      const health = await nodesHealth(deps.client, deps.taskQueue, names);
      return Object.fromEntries(names.map((name) => [name, health[name]?.alive ?? false]));
    },

    async isTaskOpen(taskId: string): Promise<boolean> {
      return isTaskOpen(deps.client, taskId);
    },
  };
}
