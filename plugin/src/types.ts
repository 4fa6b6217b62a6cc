import type { TaskStatus } from './statuses';

/**
 * The shapes every tracked workflow shares with Taskdeck: what a progress report carries, what
 * the `taskdeck.state` query answers, and the memo keys a task's row is shown from.
 */

export interface ProgressUpdate {
  /** 0–100; whole numbers are enough for the table, fractions are rounded down. */
  percent: number;
  message?: string;
  /** The phase the report belongs to; a late report of another phase is dropped. Unset: any. */
  phase?: 'initializing' | 'running';
}

export interface TimelineEntry {
  status: TaskStatus;
  at: string;
}

export interface TaskFailure {
  message: string;
  /** The lifecycle step that was running when the task failed. */
  step: TaskStatus;
  exit_code?: number;
}

/** An operator's decision on a task that waited for approval. */
export interface ApprovalDecision {
  decision: 'approved' | 'rejected';
  by: string;
  at: string;
  /** The reviewer's note: why it was rejected, or anything worth saying on approval. */
  note: string | null;
}

/** What the `taskdeck.state` query answers: the task's live state as its workflow sees it. */
export interface TaskState<Meta = Record<string, unknown>> {
  task_type: string;
  status: TaskStatus;
  input: unknown;
  meta: Meta;
  timeline: TimelineEntry[];
  progress: number;
  message: string | null;
  started_at: string | null;
  finished_at: string | null;
  /** Time spent paused in earlier pauses; it does not count as duration. */
  paused_ms: number;
  /** When the current pause began; null while not paused. */
  paused_at: string | null;
  error: TaskFailure | null;
  /** Set once an operator approved or rejected a task that needed approval. */
  approval?: ApprovalDecision | null;
  result: unknown;
  exit_code: number | null;
}

/** The memo keys of the protocol. */
export const MEMO_KEYS = ['name', 'message', 'error', 'failed_step', 'exit_code', 'triggered_by', 'depends_on', 'paused_ms', 'paused_at'] as const;

/** Memo fields: shown in lists but never filtered by a visibility query. */
export type TaskMemo = {
  name?: string;
  message?: string | null;
  error?: string | null;
  failed_step?: TaskStatus | null;
  exit_code?: number | null;
  triggered_by?: string | null;
  /** The tasks this one waits for; in the memo, since a fan-in of many ids outgrows a search attribute. */
  depends_on?: string[];
  /** Pauses are left out of the duration: the time of finished pauses and the start of the current one. */
  paused_ms?: number;
  paused_at?: string | null;
};

// The memo's type and its list of keys say the same (a compile-time check).
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
export const memoKeysMatch: Same<keyof TaskMemo, (typeof MEMO_KEYS)[number]> = true;
