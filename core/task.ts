import { z } from 'zod';
import { MAX_KEYWORD_LENGTH } from './searchAttributes';
import type { TaskState as ProtocolTaskState } from '../plugin/src/types';

// What every tracked workflow shares with Taskdeck is the plugin's protocol (plugin/src/types.ts).
export type { ApprovalDecision, ProgressUpdate, TaskFailure, TimelineEntry } from '../plugin/src/types';
import type { TaskMemo as ProtocolMemo } from '../plugin/src/types';

/**
 * The memo of a Taskdeck task: the plugin protocol's keys, plus the group of the schedule or
 * pipeline it belongs to and the agent (the identity of the worker that ran it). Both are only
 * listed and filtered by the API's own index, never by a visibility query, so they spend none of
 * the namespace's search-attribute budget.
 */
export type TaskMemo = ProtocolMemo & { group?: string; agent?: string };

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
    group: label.optional().describe('The group of the schedule or pipeline the task belongs to ("billing")'),
    depends_on: z
      .array(label)
      .max(MAX_UPSTREAM, `depends_on may list at most ${MAX_UPSTREAM} tasks`)
      .optional()
      .describe('Tasks that must complete before this one starts; it ends upstream_failed if one of them does not'),
    needs_approval: z.boolean().optional().describe('Waits in pending_approval until an operator approves or rejects it'),
    target_node: label.optional().describe('The node the task must run on'),
    cpu_cores: z.number().int().min(1).max(4096).optional().describe('CPU cores the process is pinned to'),
    memory_mb: z.number().int().min(1).optional().describe('Memory the process may use, in MB'),
    gpu_ids: z.array(z.number().int().min(0).max(1023)).max(64).optional().describe('GPU indices the process sees'),
    gpu_count: z.number().int().min(1).max(64).optional().describe('How many GPUs the process sees, any free ones'),
  })
  .strict();
export type TaskMeta = z.infer<typeof taskMeta>;

/** Taskdeck's own memo keys besides the protocol's: where a task runs and what it holds there. */
export interface PlacementMemo {
  node?: string | null;
  allocation?: { cores: number[]; memory_mb: number | null; gpus: number[] } | null;
}

/** The argument of every task workflow: `{ input, ...meta }`. */
export interface TaskRequest<Input = unknown> extends TaskMeta {
  input: Input;
}

/** The argument of the approve and reject Updates: who decides, and why. */
export interface ApprovalRequest {
  by: string;
  note?: string;
}

/** The detail query's answer for a catalog task, whose meta is Taskdeck's. */
export type TaskState = ProtocolTaskState<TaskMeta>;
