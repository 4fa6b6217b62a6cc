import type { BulkActivities } from '../core';
import { HttpError } from './errors';
import type { TaskService } from './taskService';

/**
 * The activity a bulk retry (workflows/bulkRetry.ts) runs on an API process: one retry, checked
 * and started exactly as `POST /tasks/:id/retry` would, under the id the workflow chose.
 */
export function bulkActivities(tasks: TaskService): BulkActivities {
  return {
    async retryForBulk({ id, retry_id, actor }) {
      // An earlier attempt of this activity may have started it before its API process died.
      if (await tasks.record(retry_id).then(() => true, () => false)) return { id, retry_id };
      try {
        return { id, retry_id: (await tasks.retry(id, actor, retry_id)).id };
      } catch (err) {
        // A refusal is the answer for this task; anything else is worth the activity's retry.
        if (err instanceof HttpError) return { id, status: err.status, error: err.message };
        throw err;
      }
    },
  };
}
