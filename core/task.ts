import { z } from 'zod';
import { MAX_KEYWORD_LENGTH } from './searchAttributes';
import type { TaskStatus } from './statuses';

const label = z.string().trim().min(1).max(MAX_KEYWORD_LENGTH);

/** How many tasks one task may wait for; the list travels in the memo, which has a size limit. */
export const MAX_UPSTREAM = 1000;

/**
 * What describes a task besides its type's input. It travels inside the workflow argument, so
 * a task started from the Temporal CLI carries it too and the workflow can set its own search
 * attributes.
 */
export const taskMeta = z
  .object({
    name: label.optional().describe('Human name of the task'),
    tag: label.optional().describe('Free label to group tasks'),
    dataset: label.optional().describe('Name of the dataset the task works on'),
    dataset_id: label.optional().describe('Identifier of that dataset'),
    user: label.optional().describe('Who started the task'),
    retry_of: label.optional().describe('Task this one retries'),
    triggered_by: label.optional().describe('Task that started this one as its follow-up'),
    batch_id: label.optional().describe('The batch the task was started in'),
    pipeline_id: label.optional().describe('The pipeline whose child this task is'),
    depends_on: z
      .array(label)
      .max(MAX_UPSTREAM, `depends_on may list at most ${MAX_UPSTREAM} tasks`)
      .optional()
      .describe('Tasks that must complete before this one starts; it ends upstream_failed if one of them does not'),
    needs_approval: z.boolean().optional().describe('Waits in pending_approval until an operator approves or rejects it'),
  })
  .strict();
export type TaskMeta = z.infer<typeof taskMeta>;

/** The argument of every task workflow: `{ input, ...meta }`. */
export interface TaskRequest<Input = unknown> extends TaskMeta {
  input: Input;
}

export interface ProgressUpdate {
  /** 0–100; whole numbers are enough for the table, fractions are rounded. */
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

/** The argument of the approve and reject Updates: who decides, and why. */
export interface ApprovalRequest {
  by: string;
  note?: string;
}

/** What the detail query answers: the task's live state as its workflow sees it. */
export interface TaskState {
  task_type: string;
  status: TaskStatus;
  input: unknown;
  meta: TaskMeta;
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
