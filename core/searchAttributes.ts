import { defineSearchAttributeKey, SearchAttributeType, type SearchAttributePair } from '@temporalio/common';
import type { TaskMeta } from './task';

/**
 * Taskdeck's custom search attributes. SQL visibility (the dev server's SQLite, PostgreSQL,
 * MySQL) allows per namespace only 10 Keyword, 3 KeywordList, 3 Int, 3 Double, 3 Datetime,
 * 3 Bool and 3 Text attributes, so this list is a budget: what is only shown, never filtered
 * by a visibility query (name, progress message, error), lives in the memo instead.
 *
 * Used here: 9 Keyword, 1 Int, 2 Datetime.
 */
export const SA = {
  type: defineSearchAttributeKey('TaskdeckType', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('TaskdeckStatus', SearchAttributeType.KEYWORD),
  dataset: defineSearchAttributeKey('TaskdeckDataset', SearchAttributeType.KEYWORD),
  datasetId: defineSearchAttributeKey('TaskdeckDatasetId', SearchAttributeType.KEYWORD),
  user: defineSearchAttributeKey('TaskdeckUser', SearchAttributeType.KEYWORD),
  tag: defineSearchAttributeKey('TaskdeckTag', SearchAttributeType.KEYWORD),
  retryOf: defineSearchAttributeKey('TaskdeckRetryOf', SearchAttributeType.KEYWORD),
  /** The batch a task was started in (POST /batches); batch operations select by it. */
  batch: defineSearchAttributeKey('TaskdeckBatch', SearchAttributeType.KEYWORD),
  /** The pipeline a task is a child of, and on the pipeline workflow itself its own id. */
  pipeline: defineSearchAttributeKey('TaskdeckPipeline', SearchAttributeType.KEYWORD),
  progress: defineSearchAttributeKey('TaskdeckProgress', SearchAttributeType.INT),
  /** When processing started (left pending): durations count from here. */
  startedAt: defineSearchAttributeKey('TaskdeckStartedAt', SearchAttributeType.DATETIME),
  /** Bumped by every upsert, so the API's poller can ask only for what changed. */
  updatedAt: defineSearchAttributeKey('TaskdeckUpdatedAt', SearchAttributeType.DATETIME),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);

/** Visibility values are limited to 255 characters; longer user values are cut, not rejected. */
export const MAX_KEYWORD_LENGTH = 255;

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
