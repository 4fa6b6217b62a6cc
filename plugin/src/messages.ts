import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { TaskStatus } from './statuses';
import type { ProgressUpdate, TaskState } from './types';

/** Sent by an activity (throttled) or any client; the workflow reflects it in search attributes and details. */
export const progressSignal = defineSignal<[ProgressUpdate]>('taskdeck.progress');

/** The task's live state for its detail page: cheaper and fresher than a visibility list. */
export const taskStateQuery = defineQuery<TaskState>('taskdeck.state');

/** A task that ended, told to the tasks that wait for it. */
export interface UpstreamOutcome {
  task_id: string;
  status: TaskStatus;
}

/** What a waiting task knows of one task it depends on. */
export interface UpstreamTask {
  id: string;
  /** `missing` when no workflow has that ID: the dependency can never be met. */
  status: TaskStatus | 'missing';
  /** What to call it in the waiting task's message. */
  label: string;
}

/** Sent by a waiting task to each task it depends on: "tell me when you end". */
export const upstreamWatchSignal = defineSignal<[{ task_id: string }]>('taskdeck.upstream.watch');
/** Sent by a task as it ends to every task that asked to be told. */
export const upstreamDoneSignal = defineSignal<[UpstreamOutcome]>('taskdeck.upstream.done');
