import { Context } from '@temporalio/activity';
import { progressSignal } from './messages';
import { ProgressThrottle, oneAfterAnother } from './progressThrottle';

export { ProgressThrottle } from './progressThrottle';

const throttles = new WeakMap<Context, ProgressThrottle>();

/**
 * Sends what an activity reported last before it returns, and waits for it to arrive: the
 * workflow then hears the final progress before the activity's result. The plugin adds it to the
 * worker's activity interceptors.
 */
export async function drainProgress(context: Context): Promise<void> {
  await throttles.get(context)?.drain();
}

/**
 * Reports how far the running activity got, 0-100, with an optional message. Its workflow shows
 * it in Taskdeck (the table, the task page, the live events) and in the Temporal Web UI. Call it
 * as often as you like: a report reaches the workflow only when the whole percentage moves, at
 * most once a second, so a long loop does not fill the workflow's history. Outside a workflow's
 * activity (no workflow to tell) it does nothing; a report that cannot be delivered is dropped,
 * never failing the activity.
 */
export async function reportProgress(percent: number, message?: string): Promise<void> {
  const context = Context.current();
  const execution = context.info.workflowExecution;
  if (!execution) return;
  let throttle = throttles.get(context);
  if (!throttle) {
    const workflow = context.client.workflow.getHandle(execution.workflowId, execution.runId);
    throttle = new ProgressThrottle(oneAfterAnother((update) => workflow.signal(progressSignal, update)));
    throttles.set(context, throttle);
    // The last report of a finished attempt must not arrive after the next attempt began.
    context.cancelled.catch(() => throttle?.stop());
  }
  throttle.report(message === undefined ? { percent } : { percent, message });
}
