import { z } from 'zod';
import { DEFAULT_GRAPH_DEPTH, MAX_GRAPH_DEPTH, MAX_GRAPH_NODES } from '../graph';
import { queryInt } from './common';
import { taskRecord, withinHours } from './tasks';

/**
 * `GET /graph` parameters: a pipeline, a batch or a task's neighbourhood says what to draw, and
 * given together they narrow each other; without any, every task with an edge in the window is
 * drawn. Every combination is a graph, so a client can send any of them.
 */
export const graphQuery = z.strictObject({
  pipeline: z.string().min(1).max(255).optional().describe('The tasks of one pipeline'),
  batch: z.string().min(1).max(255).optional().describe('The tasks of one batch'),
  task: z.string().min(1).max(255).optional().describe("One task's upstream and downstream neighbourhood (within the pipeline or batch, when one is given too)"),
  depth: queryInt('depth', {
    min: 1,
    max: MAX_GRAPH_DEPTH,
    description: `How many edges to follow each way from task (default ${DEFAULT_GRAPH_DEPTH}; without task it changes nothing)`,
  }).optional(),
  within_hours: withinHours,
});

/** A task as the graph draws it: the row's status and timing, what blocks it, whether it is critical. */
export const graphNode = taskRecord
  .pick({
    id: true,
    name: true,
    task_type: true,
    status: true,
    progress: true,
    message: true,
    created_at: true,
    started_at: true,
    end_date: true,
    duration_ms: true,
    dataset: true,
    dataset_id: true,
    pipeline_id: true,
    batch_id: true,
    schedule_id: true,
    error: true,
  })
  .extend({
    blocked_by: z.array(z.string()).describe('The failed tasks upstream (root causes) that keep this one from running'),
    critical: z.boolean().describe('On the critical path: the chain with the longest total duration'),
  });

export const graphEdge = z.strictObject({
  source: z.string().describe('The task that must finish first'),
  target: z.string().describe('The task that waits for it'),
  kind: z.enum(['depends_on', 'triggered_by', 'child']).describe('depends_on: waits for the source; triggered_by: a follow-up the system started; child: a child workflow of the source'),
  critical: z.boolean(),
});

export const criticalPath = z.strictObject({
  task_ids: z.array(z.string()).describe('From the first task of the chain to the last'),
  duration_ms: z.number().describe('Sum of the chain\'s durations; running tasks count their time so far'),
});

/**
 * A pipeline, a batch or a schedule some drawn tasks belong to: the page can collapse it into one
 * node with its counts. A task belongs to its pipeline, else its batch, else its schedule; a
 * scheduled pipeline's group lies within its schedule's.
 */
export const graphGroup = z.strictObject({
  kind: z.enum(['pipeline', 'batch', 'schedule']),
  id: z.string(),
  name: z.string().describe("The pipeline's name; a batch's or a schedule's id"),
  within: z.string().nullable().describe('The id of the schedule whose run this pipeline is, or null'),
});

export const taskGraph = z.strictObject({
  nodes: z.array(graphNode),
  edges: z.array(graphEdge),
  groups: z.array(graphGroup).describe('The groups of the drawn tasks, each once'),
  critical_path: criticalPath,
  truncated: z.boolean().describe(`More tasks matched than a graph carries (${MAX_GRAPH_NODES}); the newest were kept`),
});
