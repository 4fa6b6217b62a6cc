import { isCancellation, proxyActivities, workflowInfo } from '@temporalio/workflow';
import { BULK_RETRY_WORKFLOW, SA, apiTaskQueue, type BulkActivities, type BulkRetryRequest, type BulkRetryResult } from '../core';
import { describeFailure } from '../plugin/src/failures';
import { TaskTracker } from '../plugin/src/tracker';

/** Retries run this many at a time: quick, without flooding the frontend. */
const LANES = 8;

/**
 * `POST /tasks/bulk/retry` in the background: retries each target through an API process (the
 * activity runs on the API's task queue, where the task service is), a few at a time, as a task of
 * its own with its progress. Aborting it (cancelling) stops before the next retry; the retries
 * already started run on. Each retry has an id fixed here, so an activity retried after an API
 * died cannot start a second one.
 */
export async function taskdeck_bulk_retry(request: BulkRetryRequest): Promise<BulkRetryResult> {
  const { workflowId, taskQueue } = workflowInfo();
  const tracker = new TaskTracker(BULK_RETRY_WORKFLOW, 'pending', request, { user: request.actor?.user ?? null });
  const { retryForBulk } = proxyActivities<BulkActivities>({
    taskQueue: apiTaskQueue(taskQueue),
    startToCloseTimeout: '2 minutes',
    // An API process may be restarting: wait for one rather than give up on the task.
    scheduleToStartTimeout: '1 hour',
    retry: { maximumAttempts: 10, initialInterval: '1 second' },
  });
  const result: BulkRetryResult = { accepted: [], refused: [] };
  const total = request.targets.length;
  const startedAt = new Date();
  tracker.state.started_at = startedAt.toISOString();
  tracker.record('running', { attributes: [{ key: SA.startedAt, value: startedAt }] });
  try {
    let next = 0;
    const lane = async (): Promise<void> => {
      while (next < total) {
        const id = request.targets[next++];
        const outcome = await retryForBulk({ id, retry_id: `${id}-retry-${workflowId.slice(-8)}`, actor: request.actor });
        if ('retry_id' in outcome) result.accepted.push(outcome);
        else result.refused.push(outcome);
        const done = result.accepted.length + result.refused.length;
        tracker.setProgress((done / total) * 100, `${result.accepted.length} retried, ${result.refused.length} refused of ${total}`);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LANES, total) }, lane));
  } catch (err) {
    if (isCancellation(err)) tracker.record('aborted');
    else {
      const failure = describeFailure(err, 'running');
      tracker.state.error = failure;
      tracker.record('failed', { memo: { error: failure.message, failed_step: failure.step } });
    }
    throw err;
  }
  tracker.state.result = result;
  tracker.state.progress = 100;
  tracker.record('completed', { attributes: [{ key: SA.progress, value: 100 }], memo: { message: tracker.state.message } });
  return result;
}
