import type { Principal } from './roles';

/**
 * A bulk retry runs in the background as a workflow of this type, a task of its own in the table
 * (with its progress), started by the API for `POST /tasks/bulk/retry`. Not a catalog type: it is
 * never submitted through `POST /tasks`.
 */
export const BULK_RETRY_WORKFLOW = 'taskdeck_bulk_retry';

/** The task queue only API processes poll: activities that need the API's own services. */
export const apiTaskQueue = (taskQueue: string): string => `${taskQueue}-api`;

export interface BulkRetryRequest {
  /** Tasks already checked by the API (known, finished, the caller may retry them). */
  targets: string[];
  /** Who asked: each retry is checked and started as theirs. */
  actor?: Principal;
}

/** One retry of a bulk retry: started (its id) or refused with the status it would have had alone. */
export type BulkRetryOutcome = { id: string; retry_id: string } | { id: string; status: number; error: string };

export interface BulkRetryResult {
  accepted: { id: string; retry_id: string }[];
  refused: { id: string; status: number; error: string }[];
}

/** The activity of a bulk retry, run by an API process (it needs the API's task service). */
export interface BulkActivities {
  /**
   * Retries one task under the given id; a second attempt with the same id (after an API died
   * mid-call) answers with the retry the first one started, so no task is retried twice.
   */
  retryForBulk(input: { id: string; retry_id: string; actor?: Principal }): Promise<BulkRetryOutcome>;
}
