import type { SearchAttributePair } from '@temporalio/common';
import { SA, metaSearchAttributes } from './searchAttributes';
import type { TaskStatus } from './statuses';
import type { TaskMemo, TaskMeta } from './task';
import { typeLabel } from '../plugin/src/labels';
import { TASK_TYPES, isTaskTypeId } from './taskTypes';

/** What a new task's workflow starts with, wherever it is started (API, pipeline, follow-up). */
export interface NewTaskStart {
  /** The status a task lists with before its workflow has run. */
  status: Extract<TaskStatus, 'pending' | 'pending_approval'>;
  searchAttributes: SearchAttributePair[];
  /** Only what is shown and never filtered; empty when there is nothing to show. */
  memo: TaskMemo;
  /** The Temporal Web UI's summary of the workflow. */
  summary: string;
}

/**
 * The one definition of a new task's search attributes and memo. The API sets them at start so a
 * task lists at once; a pipeline and a lifecycle follow-up set them on the children they start;
 * and the task's workflow sets the same itself when it begins, which is what tasks started from
 * other clients rely on.
 */
export function newTaskStart(type: string, meta: TaskMeta, now = new Date()): NewTaskStart {
  const status = meta.needs_approval ? 'pending_approval' : 'pending';
  const memo: TaskMemo = {
    ...(meta.name && { name: meta.name }),
    ...(meta.triggered_by && { triggered_by: meta.triggered_by }),
    ...(meta.depends_on?.length && { depends_on: meta.depends_on }),
    ...(meta.group && { group: meta.group }),
  };
  return {
    status,
    searchAttributes: [
      { key: SA.type, value: type },
      { key: SA.status, value: status },
      { key: SA.progress, value: 0 },
      { key: SA.updatedAt, value: now },
      ...metaSearchAttributes(meta),
    ],
    memo,
    summary: `Taskdeck ${isTaskTypeId(type) ? TASK_TYPES[type].label : typeLabel(type)}${meta.name ? `: ${meta.name}` : ''}`,
  };
}
