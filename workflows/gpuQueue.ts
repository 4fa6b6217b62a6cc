import {
  allHandlersFinished,
  condition,
  continueAsNew,
  getExternalWorkflowHandle,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { TaskActivities } from '../activities';
import { CONTINUE_AS_NEW_SUGGESTED, gpuPositionSignal, gpuQueueQuery, gpuReleaseSignal, gpuRequestSignal } from '../core';

/** Runs started before Temporal's own suggestion was used continue as new at this many events: they keep doing so. */
const LEGACY_MAX_HISTORY_EVENTS = 2000;
/** How often a holder is checked while others wait: one that was terminated never releases. */
const HOLDER_CHECK = '30 seconds';

const { isTaskOpen } = proxyActivities<TaskActivities>({ startToCloseTimeout: '30 seconds', retry: { maximumAttempts: 3 } });

/**
 * The GPU of one task queue as a FIFO lease (workflow ID `taskdeck-gpu:<queue>`, not a task
 * type). GPU-bound tasks signal a request while pending and wait to hear position 0; every
 * waiting task hears its place in line whenever it changes, for its "N ahead" message.
 */
export async function gpuQueue(initial: { queue: string[] }): Promise<void> {
  const queue = [...initial.queue];
  const told = new Map<string, number>();
  let changed = true;

  setHandler(gpuQueueQuery, () => ({ queue }));
  setHandler(gpuRequestSignal, ({ task_id }) => {
    if (!queue.includes(task_id)) queue.push(task_id);
    changed = true;
  });
  setHandler(gpuReleaseSignal, ({ task_id }) => {
    const at = queue.indexOf(task_id);
    if (at >= 0) queue.splice(at, 1);
    told.delete(task_id);
    changed = true;
  });

  // The server suggests continuing as new well before its history limits (events and bytes).
  const suggested = patched(CONTINUE_AS_NEW_SUGGESTED);
  const due = (): boolean => (suggested ? workflowInfo().continueAsNewSuggested : workflowInfo().historyLength >= LEGACY_MAX_HISTORY_EVENTS);
  while (!due()) {
    if (changed) {
      // Cleared before telling: a request or release arriving meanwhile must set it again.
      changed = false;
      if (await tellPositions(queue, told)) changed = true;
      continue;
    }
    const moved = await condition(() => changed, HOLDER_CHECK);
    if (!moved && queue.length > 1 && !(await isTaskOpen(queue[0]))) {
      told.delete(queue.shift()!);
      changed = true;
    }
  }
  await condition(allHandlersFinished);
  await continueAsNew<typeof gpuQueue>({ queue });
}

/** Tells each task its new place; true when a gone task was dropped, so places changed again. */
async function tellPositions(queue: string[], told: Map<string, number>): Promise<boolean> {
  for (const [position, taskId] of [...queue.entries()]) {
    if (told.get(taskId) === position) continue;
    try {
      await getExternalWorkflowHandle(taskId).signal(gpuPositionSignal, { position });
      told.set(taskId, position);
    } catch {
      // The task is gone (closed without releasing): drop it so the line moves on.
      const at = queue.indexOf(taskId);
      if (at >= 0) queue.splice(at, 1);
      told.delete(taskId);
      return true;
    }
  }
  return false;
}
