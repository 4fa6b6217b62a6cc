import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { taskExecution } from '../context';
import type { ActivityDeps } from '../deps';
import { startHeartbeat } from '../heartbeat';
import { ProgressThrottle } from '../../plugin/src/progressThrottle';

/** One store activity's link to its task: progress, heartbeats, cancellation. */
export interface Job {
  taskId: string;
  /**
   * Reports `done` of `total` steps and stops here if the task was aborted. While the task is
   * paused it waits here (the step is the job's checkpoint), so await it.
   */
  step(done: number, total: number, message: string): Promise<void>;
  /** Stops here if the task was aborted (cancellation arrives with a heartbeat). */
  checkCancelled(): void;
  signal: AbortSignal;
  /** What the previous attempt saved with `checkpoint` before its worker was lost; undefined on a first attempt. */
  resumed: unknown;
  /**
   * Saves how far the work got. It goes out with the next heartbeat, so the retry that follows a
   * lost worker continues from here instead of from 0.
   */
  checkpoint(state: unknown): void;
}

interface HeartbeatDetails {
  progress?: unknown;
  checkpoint?: unknown;
}

/**
 * Runs store work as part of a task: heartbeats (liveness, the way abort reaches the activity,
 * and the checkpoint), sends throttled progress of this phase to the workflow.
 */
export async function withJob<T>(deps: ActivityDeps, phase: 'initializing' | 'running', work: (job: Job) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const execution = taskExecution();
  const throttle = new ProgressThrottle((update) => deps.reportProgress(execution.workflowId, execution.runId, update));
  const resumed = (ctx.info.heartbeatDetails as HeartbeatDetails | undefined)?.checkpoint;
  let saved = resumed;
  // Every heartbeat, the first included, carries the checkpoint: a retry that dies before it
  // saves a newer one must not leave the next retry with nothing.
  const stopHeartbeat = startHeartbeat(ctx, () => ({ progress: throttle.current, checkpoint: saved }) satisfies HeartbeatDetails);
  const checkCancelled = (): void => {
    if (ctx.cancellationSignal.aborted) throw ctx.cancellationSignal.reason ?? new Error('aborted');
  };
  let paused = false;
  let onResume: (() => void) | undefined;
  const unwatch = deps.pauses.watch(execution.workflowId, (value) => {
    paused = value;
    if (!paused) onResume?.();
  });
  // Heartbeats go on meanwhile, so abort still reaches a paused job.
  const whilePaused = async (): Promise<void> => {
    while (paused) {
      await new Promise<void>((resolve, reject) => {
        onResume = resolve;
        ctx.cancellationSignal.addEventListener('abort', () => reject(ctx.cancellationSignal.reason ?? new Error('aborted')), { once: true });
      });
      onResume = undefined;
    }
  };
  try {
    const result = await work({
      taskId: execution.workflowId,
      signal: ctx.cancellationSignal,
      checkCancelled,
      resumed,
      checkpoint(state) {
        saved = state;
      },
      async step(done, total, message) {
        checkCancelled();
        throttle.report({ percent: total > 0 ? (100 * done) / total : 100, message, phase });
        await whilePaused();
      },
    });
    throttle.flush();
    return result;
  } finally {
    unwatch();
    stopHeartbeat();
    throttle.stop();
  }
}

/** A failure the user must act on; retrying the same activity would fail the same way. */
export function userError(message: string): ApplicationFailure {
  return ApplicationFailure.create({ message, nonRetryable: true });
}
