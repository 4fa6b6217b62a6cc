import { AsyncLocalStorage, proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { TaskActivities } from '../activities';
import { gpuTaskQueue, nodeTaskQueue } from '../core';

const storeOptions = {
  startToCloseTimeout: '4 hours',
  // Store activities heartbeat (activities/heartbeat.ts): a lost worker is noticed within this
  // time, and abort reaches them with a heartbeat.
  heartbeatTimeout: '15 seconds',
  retry: { maximumAttempts: 3 },
} as const;

/**
 * The node a task given a target node was placed on: the lifecycle runs the task's work (and its
 * cleanup) inside it, so every store activity of the task goes to that node's own task queue.
 * Per workflow and per call chain, as Temporal's AsyncLocalStorage is, never module state shared
 * between workflows.
 */
export const placedNode = new AsyncLocalStorage<string>();

const anywhere = proxyActivities<TaskActivities>(storeOptions);

/** Store activities on the task queue of the task itself, or of its node once placed. */
export const store: typeof anywhere = new Proxy(anywhere, {
  get: (target, name: keyof typeof anywhere) => {
    const node = placedNode.getStore();
    return node ? proxyActivities<TaskActivities>({ ...storeOptions, taskQueue: nodeTaskQueue(workflowInfo().taskQueue, node) })[name] : target[name];
  },
});

/**
 * The heavy activity of a GPU-bound type, on the GPU queue, whose worker runs one at a time. The
 * API refuses these types a target node (their GPU is the allocator's cluster-wide slot); one
 * placed anyway, started another way, runs it on its node's queue like the rest of its work.
 */
export function gpuStore() {
  const node = placedNode.getStore();
  return proxyActivities<TaskActivities>({ ...storeOptions, taskQueue: node ? nodeTaskQueue(workflowInfo().taskQueue, node) : gpuTaskQueue(workflowInfo().taskQueue) });
}

/** Every task removes its staging folder when it ends, whatever the outcome. */
export const cleanup = (): Promise<void> => store.cleanupStaging();

/** The dataset of a task; the lifecycle has already failed the task if it has none. */
export const datasetOf = (request: { dataset_id?: string }): string => request.dataset_id ?? '';
