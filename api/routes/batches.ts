import type { BatchService } from '../batchService';
import type { Handlers } from '../router';

/** Batches (many tasks under one id) and bulk actions on tasks chosen in the table. */
export function batchHandlers(batches: BatchService): Pick<Handlers, 'listBatches' | 'startBatch' | 'getBatch' | 'abortBatch' | 'bulkAbort' | 'bulkRetry'> {
  return {
    listBatches: async () => ({ status: 200, body: await batches.list() }),
    startBatch: async ({ body, principal }) => {
      const batch = await batches.start(body, principal);
      return { status: 201, body: batch, headers: { Location: `/batches/${encodeURIComponent(batch.id)}` } };
    },
    getBatch: async ({ params }) => ({ status: 200, body: await batches.summary(params.id) }),
    abortBatch: async ({ params, principal }) => ({ status: 202, body: await batches.abortBatch(params.id, principal) }),
    bulkAbort: async ({ body, principal }) => ({ status: 202, body: await batches.bulkAbort(body, principal) }),
    bulkRetry: async ({ body, principal }) => ({ status: 202, body: await batches.bulkRetry(body, principal) }),
  };
}
