import { PIPELINE_WORKFLOW, SA } from '../core';

/**
 * Builds visibility queries. Values are always written as escaped string literals, so no value
 * can change the query's structure. Taskdeck itself only ever queries with its own values (its
 * names and times); users' filters are applied to the task index in memory.
 */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/**
 * What Taskdeck lists: every workflow that says it is a task (the TaskdeckType attribute, set by
 * the catalog's workflows and by the plugin's, whatever their workflow type), and the pipelines.
 */
export const TASKS = `(${SA.type.name} IS NOT NULL OR WorkflowType = ${literal(PIPELINE_WORKFLOW)})`;

/** Every task started in the window, whatever its state. */
export function windowQuery(since: Date): string {
  return `${TASKS} AND StartTime >= ${literal(since.toISOString())}`;
}

/** Every task started at or after `from` and before `to`: what the index's repair counts and lists. */
export function startedBetweenQuery(from: Date, to: Date): string {
  return `${TASKS} AND StartTime >= ${literal(from.toISOString())} AND StartTime < ${literal(to.toISOString())}`;
}

/**
 * Tasks that started, changed (every Taskdeck upsert bumps TaskdeckUpdatedAt) or closed since a
 * time. "Closed" needs ExecutionStatus too: SQL visibility gives open workflows a CloseTime far in
 * the future, so `CloseTime >= t` alone matches every open task, and each poll listed the whole
 * open window (11,000 rows a second in the bench).
 */
export function changedSinceQuery(since: Date): string {
  const t = literal(since.toISOString());
  return (
    `${TASKS} AND ` +
    `(${SA.updatedAt.name} >= ${t} OR StartTime >= ${t} OR (CloseTime >= ${t} AND ExecutionStatus != 'Running'))`
  );
}
