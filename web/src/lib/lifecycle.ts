import { LIFECYCLE, isFinished, type TaskStatus } from '../../../core/statuses';

/**
 * The chain of states to draw for a task: the lifecycle, with an approval or node wait or a pause where
 * it happens, and a task that did not complete ending in its own status. A task that failed
 * at an earlier step does not show the steps it never reached.
 */
export function chainSteps(status: TaskStatus, failedStep: TaskStatus | null = null): TaskStatus[] {
  const steps: TaskStatus[] = [...LIFECYCLE];
  if (status === 'pending_approval' || status === 'assigning') steps.splice(1, 0, status);
  else if (status === 'paused') steps.splice(steps.indexOf('running') + 1, 0, status);
  else if (isFinished(status) && status !== 'completed') {
    // A task refused by every node failed while assigning.
    if (failedStep === 'assigning') steps.splice(1, 0, failedStep);
    const reached = failedStep && steps.includes(failedStep) ? steps.indexOf(failedStep) + 1 : steps.length - 1;
    steps.splice(reached, steps.length - reached, status);
  }
  return steps;
}
