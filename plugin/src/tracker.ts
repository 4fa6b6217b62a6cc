import { setCurrentDetails, setHandler, upsertMemo, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import type { SearchAttributePair } from '@temporalio/common';
import { progressSignal, taskStateQuery } from './messages';
import { SA } from './searchAttributes';
import { currentDetails } from './labels';
import { isFinished, type TaskStatus } from './statuses';
import type { ProgressUpdate, TaskMemo, TaskState } from './types';

/**
 * One task as its workflow records it: its state (what the `taskdeck.state` query answers), and
 * the one place a status change or a progress report is written to the search attributes, the memo
 * and the Temporal Web UI's details. The plugin's interceptor keeps one for every workflow it
 * tracks; Taskdeck's catalog lifecycle keeps one for each of its tasks. Workflow code only.
 *
 * Recorded histories hold the order of these upserts (search attributes, then memo): change it
 * only behind `patched()`.
 */
export class TaskTracker<Meta = Record<string, unknown>> {
  readonly state: TaskState<Meta>;
  /** The phase a pause interrupted: progress reported meanwhile still counts for it. */
  pausedFrom: 'initializing' | 'running' | undefined;

  constructor(taskType: string, initial: TaskStatus, input: unknown, meta: Meta) {
    this.state = {
      task_type: taskType,
      status: initial,
      input,
      meta,
      timeline: [{ status: initial, at: workflowInfo().startTime.toISOString() }],
      progress: 0,
      message: null,
      started_at: null,
      finished_at: null,
      paused_ms: 0,
      paused_at: null,
      error: null,
      approval: null,
      result: null,
      exit_code: null,
    };
    current = this as TaskTracker<unknown>;
    setHandler(taskStateQuery, () => this.state as TaskState);
    setHandler(progressSignal, (update) => this.report(update));
  }

  /**
   * The one place a status change is recorded: the state and its timeline, then the search
   * attributes (the status, the time of the change, and `attributes`), then `memo`, and what the
   * Temporal Web UI shows. An ending status first stops the pause clock.
   */
  record(status: TaskStatus, change: { attributes?: SearchAttributePair[]; memo?: TaskMemo } = {}): void {
    const now = new Date();
    if (isFinished(status)) {
      this.stopPauseClock();
      this.state.finished_at = now.toISOString();
    }
    this.state.status = status;
    this.state.timeline.push({ status, at: now.toISOString() });
    upsertSearchAttributes([{ key: SA.status, value: status }, { key: SA.updatedAt, value: now }, ...(change.attributes ?? [])]);
    if (change.memo) upsertMemo(change.memo);
    this.showInTemporalUi();
  }

  /** Says what a pending task waits for, in the table as in the Temporal Web UI. */
  waitingFor(message: string): void {
    this.state.message = message;
    upsertMemo({ message } satisfies TaskMemo);
    upsertSearchAttributes([{ key: SA.updatedAt, value: new Date() }]);
    this.showInTemporalUi();
  }

  /**
   * A progress report (the `taskdeck.progress` signal, already throttled by whoever sent it): the
   * whole percentage, which never goes back, and the message, each written when it changes.
   */
  report({ percent, message, phase }: ProgressUpdate): void {
    const { state } = this;
    // Output printed just before a pause still counts, so a paused task takes progress of its phase.
    const active = state.status === 'paused' && this.pausedFrom ? this.pausedFrom : state.status;
    if (active !== 'initializing' && active !== 'running') return;
    // Each phase counts 0-100 on its own; a late report of the finished phase must not count.
    if (phase && phase !== active) return;
    const whole = Math.max(0, Math.min(100, Math.floor(percent)));
    const text = message ?? null;
    // Progress never goes back: a late signal from an earlier attempt must not rewind the bar.
    const progressed = whole > state.progress;
    const reworded = text !== state.message;
    if (progressed) {
      state.progress = whole;
      upsertSearchAttributes([
        { key: SA.progress, value: whole },
        { key: SA.updatedAt, value: new Date() },
      ]);
    }
    if (reworded) {
      state.message = text;
      upsertMemo({ message: text } satisfies TaskMemo);
    }
    if (progressed || reworded) this.showInTemporalUi();
  }

  /**
   * Progress set by workflow code, which may call it in a tight loop: it is written only when the
   * whole percentage moves (at most about 100 times in a task's life), the message with it; the
   * state query always has the latest.
   */
  setProgress(percent: number, message?: string): void {
    const whole = Math.max(0, Math.min(100, Math.floor(percent)));
    if (whole > this.state.progress) this.report({ percent: whole, message });
    else if (message !== undefined) this.state.message = message;
  }

  /** A message with no change of status or progress: the memo only. */
  note(message: string): void {
    this.state.message = message;
    upsertMemo({ message } satisfies TaskMemo);
  }

  /** A task that ends while paused stops pausing at its end. */
  private stopPauseClock(): void {
    if (!this.state.paused_at) return;
    this.state.paused_ms += Math.max(0, Date.now() - Date.parse(this.state.paused_at));
    this.state.paused_at = null;
    upsertMemo({ paused_ms: this.state.paused_ms, paused_at: null } satisfies TaskMemo);
  }

  /** The Temporal Web UI shows this as the workflow's current details. */
  showInTemporalUi(): void {
    setCurrentDetails(currentDetails(this.state));
  }
}

/** The tracker of the workflow running in this sandbox: module state is per workflow run. */
let current: TaskTracker<unknown> | undefined;

/** This workflow's task, once the plugin or the workflow's own lifecycle started tracking it. */
export function currentTracker(): TaskTracker<unknown> | undefined {
  return current;
}
