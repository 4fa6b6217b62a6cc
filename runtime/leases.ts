import {
  WithStartWorkflowOperation,
  WorkflowNotFoundError,
  WorkflowUpdateFailedError,
  type Client,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import {
  acquireDatasetUpdate,
  datasetEntityId,
  releaseDatasetSignal,
  type AcquireDatasetRequest,
  type DatasetLeaseState,
} from '../core';

export type LeaseOutcome = { ok: true; state: DatasetLeaseState } | { ok: false; message: string; holder: string | null };

/** A holder that does not exist yet may be a task the API is starting right now. */
const UNBORN_GRACE_MS = 60_000;

/**
 * Each dataset's last lease request from this process: the next one waits for it. Temporal
 * admits at most 10 updates in flight per workflow (`history.maxInFlightUpdates`) and refuses
 * the rest; 60 concurrent starts on one dataset, on a loaded machine, got 500s (the refusal) and
 * 503s (updates aborted) instead of 409s. One at a time per process, a request costs a round
 * trip to the entity, and a process never holds more than one of its ten places.
 */
const leaseRequests = new Map<string, Promise<unknown>>();

/**
 * Takes a dataset for a task through its entity workflow, starting the entity if needed
 * (update-with-start). Used by the API before it starts a task and by the task itself (for tasks
 * started by other clients); the request is idempotent per task. A refused start names the task
 * holding the dataset. A holder that ended without releasing (terminated from outside) is
 * released and the request tried once more.
 */
export function acquireDatasetLease(client: Client, taskQueue: string, datasetId: string, request: AcquireDatasetRequest): Promise<LeaseOutcome> {
  const next = (leaseRequests.get(datasetId) ?? Promise.resolve()).then(() => requestLease(client, taskQueue, datasetId, request));
  const settled = next.catch(() => undefined);
  leaseRequests.set(datasetId, settled);
  // The map keeps only datasets with a request under way.
  void settled.then(() => leaseRequests.get(datasetId) === settled && leaseRequests.delete(datasetId));
  return next;
}

async function requestLease(client: Client, taskQueue: string, datasetId: string, request: AcquireDatasetRequest): Promise<LeaseOutcome> {
  for (let attempt = 0; ; attempt++) {
    try {
      const state = await client.workflow.executeUpdateWithStart(acquireDatasetUpdate, {
        args: [request],
        startWorkflowOperation: new WithStartWorkflowOperation('datasetEntity', {
          workflowId: datasetEntityId(datasetId),
          taskQueue,
          args: [{ dataset_id: datasetId, holders: [], indexed: undefined }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          staticSummary: `Taskdeck dataset ${datasetId}: who may modify it`,
        }),
      });
      return { ok: true, state };
    } catch (err) {
      const refusal = refusalOf(err);
      if (!refusal) throw err;
      if (attempt === 0 && refusal.holder && (await isStale(client, refusal.holder, refusal.since))) {
        await client.workflow.getHandle(datasetEntityId(datasetId)).signal(releaseDatasetSignal, { task_id: refusal.holder });
        continue;
      }
      return { ok: false, message: refusal.message, holder: refusal.holder };
    }
  }
}

/** Gives a dataset back; used when a start fails after the lease was taken. */
export async function releaseDatasetLease(client: Client, datasetId: string, taskId: string): Promise<void> {
  await client.workflow.getHandle(datasetEntityId(datasetId)).signal(releaseDatasetSignal, { task_id: taskId });
}

/** Whether a task workflow is still open (running); closed and unknown tasks are not. */
export async function isTaskOpen(client: Client, taskId: string): Promise<boolean> {
  try {
    const description = await client.workflow.getHandle(taskId).describe();
    return description.status.name === 'RUNNING';
  } catch (err) {
    if (err instanceof WorkflowNotFoundError) return false;
    throw err;
  }
}

function refusalOf(err: unknown): { message: string; holder: string | null; since: string | null } | undefined {
  if (!(err instanceof WorkflowUpdateFailedError)) return undefined;
  const cause = err.cause;
  if (!(cause instanceof ApplicationFailure) || cause.type !== 'DatasetBusy') return undefined;
  const detail = (cause.details?.[0] ?? {}) as { holder?: string | null; since?: string | null };
  return { message: cause.message, holder: detail.holder ?? null, since: detail.since ?? null };
}

async function isStale(client: Client, holder: string, since: string | null): Promise<boolean> {
  try {
    const description = await client.workflow.getHandle(holder).describe();
    return description.status.name !== 'RUNNING';
  } catch (err) {
    if (!(err instanceof WorkflowNotFoundError)) throw err;
    return since !== null && Date.now() - Date.parse(since) > UNBORN_GRACE_MS;
  }
}
