import { SA } from '../core';

/**
 * Builds visibility queries. Values are always written as escaped string literals, so no value
 * can change the query's structure. Taskdeck itself only ever queries with its own values (task
 * types and times); users' filters are applied to the task index in memory.
 */
export function literal(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Every Taskdeck task started in the window, whatever its state. */
export function windowQuery(taskTypes: readonly string[], since: Date): string {
  return `WorkflowType IN (${taskTypes.map(literal).join(', ')}) AND StartTime >= ${literal(since.toISOString())}`;
}

/**
 * Tasks that started, changed (every Taskdeck upsert bumps TaskdeckUpdatedAt) or closed since a
 * time. "Closed" needs ExecutionStatus too: SQL visibility gives open workflows a CloseTime far in
 * the future, so `CloseTime >= t` alone matches every open task, and each poll listed the whole
 * open window (11,000 rows a second in the bench).
 */
export function changedSinceQuery(taskTypes: readonly string[], since: Date): string {
  const t = literal(since.toISOString());
  return (
    `WorkflowType IN (${taskTypes.map(literal).join(', ')}) AND ` +
    `(${SA.updatedAt.name} >= ${t} OR StartTime >= ${t} OR (CloseTime >= ${t} AND ExecutionStatus != 'Running'))`
  );
}
