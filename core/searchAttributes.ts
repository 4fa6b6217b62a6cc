import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import { SA } from '../plugin/src/searchAttributes';
import type { TaskMeta } from './task';

// The attributes are the plugin's protocol (plugin/src/searchAttributes.ts).
export * from '../plugin/src/searchAttributes';

/** The search attributes that describe a task's labels; set by the API at start and by the workflow. */
export function metaSearchAttributes(meta: TaskMeta): SearchAttributePair[] {
  const pairs: SearchAttributePair[] = [];
  if (meta.tag) pairs.push({ key: SA.tag, value: meta.tag });
  if (meta.dataset) pairs.push({ key: SA.dataset, value: meta.dataset });
  if (meta.dataset_id) pairs.push({ key: SA.datasetId, value: meta.dataset_id });
  if (meta.user) pairs.push({ key: SA.user, value: meta.user });
  if (meta.retry_of) pairs.push({ key: SA.retryOf, value: meta.retry_of });
  if (meta.batch_id) pairs.push({ key: SA.batch, value: meta.batch_id });
  if (meta.pipeline_id) pairs.push({ key: SA.pipeline, value: meta.pipeline_id });
  return pairs;
}

/**
 * Search attributes the Temporal server itself sets on every run a Schedule starts: which
 * schedule, and the time it was due (the trigger time). Built in, so they cost no budget and are
 * never registered; a run's origin and trigger time are read from them.
 */
export const TEMPORAL_SA = {
  scheduledById: defineSearchAttributeKey('TemporalScheduledById', SearchAttributeType.KEYWORD),
  scheduledStartTime: defineSearchAttributeKey('TemporalScheduledStartTime', SearchAttributeType.DATETIME),
} as const;
