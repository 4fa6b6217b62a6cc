import { defineQuery, defineSignal } from '@temporalio/workflow';
import type { ProgressUpdate, TaskState } from './task';

/** Sent by a running activity; the workflow reflects it in search attributes and details. */
export const progressSignal = defineSignal<[ProgressUpdate]>('taskdeck.progress');

/** The task's live state for the detail view: cheaper and fresher than a visibility list. */
export const taskStateQuery = defineQuery<TaskState>('taskdeck.state');
