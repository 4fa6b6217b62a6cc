import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { logFilePath, type LogStream } from '../../core';
import { taskExecution } from '../context';
import type { ActivityDeps } from '../deps';
import { startHeartbeat } from '../heartbeat';
import { ProgressThrottle, oneAfterAnother } from '../../plugin/src/progressThrottle';

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
  /**
   * Writes a line to the task's log (stdout, or stderr), as a command's output goes there: what
   * was read, stored, skipped and why. The log viewer shows it; each line starts with its time.
   */
  log(message: string, stream?: LogStream): void;
}

/**
 * A task's log as store activities write it: `<logs root>/<task>/stdout.log` and `stderr.log`,
 * the files a command's output goes to, one timestamped line at a time. Opened on the first line,
 * appended to (a retry or the next activity of the task adds to what is there).
 */
export class TaskLog {
  private readonly files = new Map<LogStream, WriteStream>();

  constructor(
    private readonly logsRoot: string,
    private readonly taskId: string,
  ) {}

  line(message: string, stream: LogStream = 'stdout'): void {
    let file = this.files.get(stream);
    if (!file) {
      const path = join(this.logsRoot, logFilePath(this.taskId, stream));
      mkdirSync(dirname(path), { recursive: true });
      file = createWriteStream(path, { flags: 'a' });
      // A log that cannot be written must not fail the task's work.
      file.on('error', () => undefined);
      this.files.set(stream, file);
    }
    const stamp = new Date().toISOString();
    file.write(message.split('\n').map((text) => `${stamp} ${text}\n`).join(''));
  }

  /** Flushes and closes: once an activity returns, its lines are all in the files. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.files.values()].map(async (file) => {
        if (file.closed || file.destroyed) return;
        file.end();
        await once(file, 'close').catch(() => undefined);
      }),
    );
    this.files.clear();
  }
}

/**
 * Runs a step of a task with its log: a line when it starts, and one when it ends with how long
 * it took, or why it failed (also on stderr), so a failed task's log says where it stopped.
 */
export async function withLog<T>(deps: ActivityDeps, work: (log: TaskLog) => Promise<T>): Promise<T> {
  const { info } = Context.current();
  const log = new TaskLog(deps.logsRoot, taskExecution().workflowId);
  const started = Date.now();
  const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
  log.line(`${info.activityType}: started${info.attempt > 1 ? ` (attempt ${info.attempt}; the previous one was interrupted)` : ''}`);
  try {
    const result = await work(log);
    log.line(`${info.activityType}: finished in ${seconds()} s`);
    return result;
  } catch (err) {
    if (err instanceof CancelledFailure || Context.current().cancellationSignal.aborted) {
      log.line(`${info.activityType}: aborted after ${seconds()} s`);
    } else {
      const message = err instanceof Error ? err.message : String(err);
      log.line(`${info.activityType}: failed after ${seconds()} s: ${message}`);
      log.line(message, 'stderr');
    }
    throw err;
  } finally {
    await log.close();
  }
}

interface HeartbeatDetails {
  progress?: unknown;
  checkpoint?: unknown;
}

/**
 * Runs store work as part of a task: heartbeats (liveness, the way abort reaches the activity,
 * and the checkpoint), sends throttled progress of this phase to the workflow, and writes the
 * task's log (`withLog`).
 */
export async function withJob<T>(deps: ActivityDeps, phase: 'initializing' | 'running', work: (job: Job) => Promise<T>): Promise<T> {
  return withLog(deps, (log) => runJob(deps, phase, log, work));
}

async function runJob<T>(deps: ActivityDeps, phase: 'initializing' | 'running', log: TaskLog, work: (job: Job) => Promise<T>): Promise<T> {
  const ctx = Context.current();
  const execution = taskExecution();
  const throttle = new ProgressThrottle(oneAfterAnother((update) => deps.reportProgress(execution.workflowId, execution.runId, update)));
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
      log: (message, stream) => log.line(message, stream),
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
