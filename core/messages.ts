import { defineQuery, defineSignal, defineUpdate, type QueryDefinition } from '@temporalio/workflow';
import { taskStateQuery as protocolStateQuery } from '../plugin/src/messages';
import type { AcquireDatasetRequest, DatasetLeaseState, ReleaseDatasetRequest } from './datasets';
import type { AllocatorState, NodeCapacity, ResourceAsk, ResourceGrant } from './nodes';
import type { PipelineTask } from './pipelines';
import type { ApprovalRequest, TaskState } from './task';

// Progress, the state query and the upstream signals are the plugin's protocol (plugin/src/messages.ts).
export { progressSignal, upstreamDoneSignal, upstreamWatchSignal, type UpstreamOutcome, type UpstreamTask } from '../plugin/src/messages';

// ---- Dataset entity workflow (one per dataset; serializes data-modifying tasks) ----

/** Acquire a dataset for a task; the validator refuses when the concurrency table blocks it. */
export const acquireDatasetUpdate = defineUpdate<DatasetLeaseState, [AcquireDatasetRequest]>('taskdeck.dataset.acquire');
/** A task ended (or a stale holder is cleared): drop it, record its outcome, maybe hand over. */
export const releaseDatasetSignal = defineSignal<[ReleaseDatasetRequest]>('taskdeck.dataset.release');
export const datasetStateQuery = defineQuery<DatasetLeaseState>('taskdeck.dataset.state');

// ---- GPU queue workflow (one per task queue; a FIFO lease) ----

export interface GpuRequest {
  task_id: string;
}
/** Sent by the GPU queue to a waiting task: its place in line; 0 means it holds the GPU. */
export const gpuPositionSignal = defineSignal<[{ position: number }]>('taskdeck.gpu.position');
export const gpuRequestSignal = defineSignal<[GpuRequest]>('taskdeck.gpu.request');
export const gpuReleaseSignal = defineSignal<[GpuRequest]>('taskdeck.gpu.release');
export const gpuQueueQuery = defineQuery<{ queue: string[] }>('taskdeck.gpu.queue');

/** The GPU queue's workflow ID: one per task queue, so separate deployments do not share it. */
export const gpuQueueId = (taskQueue: string): string => `taskdeck-gpu:${taskQueue}`;
/** Heavy activities of GPU-bound types run here, on a worker that runs one at a time. */
export const gpuTaskQueue = (taskQueue: string): string => `${taskQueue}-gpu`;

// ---- Resource allocator workflow (one per task queue; nodes, and who holds their resources) ----

/** A node's worker says it is up and what it has; sent at every start (signal-with-start). */
export const nodeJoinSignal = defineSignal<[NodeCapacity]>('taskdeck.nodes.join');
/** A task asks for a node and resources; it hears back through `resourceNewsSignal`. */
export const resourceRequestSignal = defineSignal<[ResourceAsk]>('taskdeck.resources.request');
/** A task ended or gave its request up: what it held or asked for is free. Releasing twice is harmless. */
export const resourceReleaseSignal = defineSignal<[{ task_id: string }]>('taskdeck.resources.release');
export const allocatorStateQuery = defineQuery<AllocatorState>('taskdeck.resources.state');

/** What the allocator tells a task: its grant, why it still waits, a refusal, or that its node was lost. */
export type ResourceNews =
  | { kind: 'granted'; grant: ResourceGrant }
  | { kind: 'waiting'; message: string }
  | { kind: 'refused'; message: string }
  | { kind: 'lost'; node: string };
export const resourceNewsSignal = defineSignal<[ResourceNews]>('taskdeck.resources.news');

/** The protocol's state query, as a catalog task answers it (its meta is Taskdeck's). */
export const taskStateQuery = protocolStateQuery as QueryDefinition<TaskState>;

// ---- Big pipelines (split into segments, workflows/pipeline.ts) ----

/** Part of a big pipeline's tasks, from `offset` in its list: more than one start argument may carry. */
export const pipelineTasksSignal = defineSignal<[{ offset: number; tasks: PipelineTask[] }]>('taskdeck.pipeline.tasks');
/** From a segment to its pipeline: every task of segment `index` is started, so tasks downstream of them may start. */
export const pipelineSegmentStartedSignal = defineSignal<[{ index: number }]>('taskdeck.pipeline.segment_started');

// ---- Pause and resume (operator actions on a running task) ----

/**
 * Pauses a processing task; the validator refuses a task that is not initializing or running.
 * The workflow records `paused`; the running activity notices it (activities/pauseWatch.ts)
 * and stops its process or blocks at its next step.
 */
export const pauseUpdate = defineUpdate<TaskState>('taskdeck.pause');
/** Resumes a paused task where it stopped; the validator refuses a task that is not paused. */
export const resumeUpdate = defineUpdate<TaskState>('taskdeck.resume');

// ---- Approval (tasks submitted into pending_approval) ----

/** Lets a task waiting in pending_approval go on; the validator refuses any other state. */
export const approveUpdate = defineUpdate<TaskState, [ApprovalRequest]>('taskdeck.approve');
/** Ends a task waiting in pending_approval as rejected; the validator refuses any other state. */
export const rejectUpdate = defineUpdate<TaskState, [ApprovalRequest]>('taskdeck.reject');

// ---- Agent (the worker that runs a task) ----

/**
 * A worker tells a task's workflow its identity when it runs one of the task's activities, once
 * per task and worker; the workflow keeps it in its memo, so the table shows the agent after the
 * task ended too.
 */
export const agentSignal = defineSignal<[string]>('taskdeck.agent');

// ---- Patches (workflow code changes that recorded histories must not see) ----

/** Entity workflows continue as new when the server suggests it, not at a fixed event count. */
export const CONTINUE_AS_NEW_SUGGESTED = 'continue-as-new-suggested';

/**
 * A task that leaves pending clears what it waited for ("Waiting for upstream task: extract"),
 * one memo upsert more: without it a pipeline task that ran and failed kept saying it waited.
 */
export const CLEAR_WAITING_MESSAGE = 'clear-waiting-message';

/** Tasks record the worker that runs them (agentSignal) in their memo. */
export const AGENT_MEMO = 'agent-memo';

/** GPU-bound tasks take the GPU as the resource allocator's `GPU` slot, not from the GPU queue workflow. */
export const GPU_BY_ALLOCATOR = 'gpu-by-allocator';

/**
 * The resource allocator grants while its liveness and holder checks run (one at a time, beside
 * its loop, their changes applied when they answer) and tells tasks their news in one go, not one
 * signal after another; runs started before wait for each check and each signal.
 */
export const ALLOCATOR_CHECKS_ASIDE = 'allocator-checks-aside';

/**
 * The resource allocator refuses a cluster-wide slot (the GPU) to a task that names a
 * target_node, which the slot is on no node to satisfy, instead of granting it and leaving the
 * task to wait for its node while it holds the slot.
 */
export const SLOT_REFUSES_TARGET_NODE = 'slot-refuses-target-node';
