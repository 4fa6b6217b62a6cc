import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/**
 * The search attributes of a Taskdeck task, which the Taskdeck API filters and lists by. SQL
 * visibility (SQLite in the dev server, PostgreSQL, MySQL) allows per namespace only 10 Keyword,
 * 3 KeywordList, 3 Int, 3 Double, 3 Datetime, 3 Bool and 3 Text attributes, so this list is a
 * budget: what is only shown, never filtered (name, progress message, error), lives in the memo.
 *
 * Used here: 9 Keyword, 1 Int, 2 Datetime.
 */
export const SA = {
  /** The task type: a catalog type, or the workflow type of a workflow the plugin tracks. Every task has it. */
  type: defineSearchAttributeKey('TaskdeckType', SearchAttributeType.KEYWORD),
  status: defineSearchAttributeKey('TaskdeckStatus', SearchAttributeType.KEYWORD),
  dataset: defineSearchAttributeKey('TaskdeckDataset', SearchAttributeType.KEYWORD),
  datasetId: defineSearchAttributeKey('TaskdeckDatasetId', SearchAttributeType.KEYWORD),
  user: defineSearchAttributeKey('TaskdeckUser', SearchAttributeType.KEYWORD),
  tag: defineSearchAttributeKey('TaskdeckTag', SearchAttributeType.KEYWORD),
  retryOf: defineSearchAttributeKey('TaskdeckRetryOf', SearchAttributeType.KEYWORD),
  /** The batch a task was started in; batch operations select by it. */
  batch: defineSearchAttributeKey('TaskdeckBatch', SearchAttributeType.KEYWORD),
  /** The pipeline a task is a child of, and on the pipeline workflow itself its own id. */
  pipeline: defineSearchAttributeKey('TaskdeckPipeline', SearchAttributeType.KEYWORD),
  progress: defineSearchAttributeKey('TaskdeckProgress', SearchAttributeType.INT),
  /** When processing started (left pending): durations count from here. */
  startedAt: defineSearchAttributeKey('TaskdeckStartedAt', SearchAttributeType.DATETIME),
  /** Bumped by every upsert, so a poller can ask only for what changed. */
  updatedAt: defineSearchAttributeKey('TaskdeckUpdatedAt', SearchAttributeType.DATETIME),
} as const;

export const ALL_SEARCH_ATTRIBUTES = Object.values(SA);

/** Visibility values are limited to 255 characters; longer user values are cut, not rejected. */
export const MAX_KEYWORD_LENGTH = 255;
