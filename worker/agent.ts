import type { ActivityInterceptorsFactory } from '@temporalio/worker';
import { TASK_TYPES, agentSignal } from '../core';

/** Tasks this worker already told who it is; bounded, oldest forgotten first. */
const REMEMBERED = 10_000;

/**
 * Tells a task's workflow which worker runs it (the task's Agent), when this worker runs the
 * task's first activity: one signal per task and worker, not one per activity. A signal that
 * cannot be delivered is dropped; it never fails the activity.
 */
export function announceAgent(identity: string): ActivityInterceptorsFactory {
  const told = new Set<string>();
  return (context) => ({
    inbound: {
      async execute(input, next) {
        const { workflowExecution: run, workflowType } = context.info;
        const key = run && `${run.workflowId}/${run.runId}`;
        if (key && workflowType !== undefined && workflowType in TASK_TYPES && !told.has(key)) {
          told.add(key);
          if (told.size > REMEMBERED) told.delete(told.values().next().value!);
          void context.client.workflow.getHandle(run.workflowId, run.runId).signal(agentSignal, identity).catch(() => told.delete(key));
        }
        return next(input);
      },
    },
  });
}
