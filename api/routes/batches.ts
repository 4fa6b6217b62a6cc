import { Router } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth';
import { batchBody, bulkBody, type BatchService } from '../batchService';
import { parseOr400 } from '../errors';

const batchIdParams = z.object({ id: z.string().min(1).max(255) });

/** Batches (many tasks under one id) and bulk actions on tasks chosen in the table. */
export function batchesRouter(batches: BatchService): Router {
  const router = Router();

  router.post('/batches', async (req, res) => {
    const body = parseOr400(batchBody, req.body);
    const batch = await batches.start(body, principalOf(res));
    res.status(201).location(`/batches/${encodeURIComponent(batch.id)}`).json(batch);
  });

  router.get('/batches/:id', async (req, res) => {
    const { id } = parseOr400(batchIdParams, req.params);
    res.json(await batches.summary(id));
  });

  router.post('/batches/:id/abort', async (req, res) => {
    const { id } = parseOr400(batchIdParams, req.params);
    res.status(202).json(await batches.abortBatch(id, principalOf(res)));
  });

  // Registered before /tasks/:id/abort, which would otherwise take "bulk" for a task id.
  router.post('/tasks/bulk/abort', async (req, res) => {
    res.status(202).json(await batches.bulkAbort(parseOr400(bulkBody, req.body), principalOf(res)));
  });

  router.post('/tasks/bulk/retry', async (req, res) => {
    res.status(201).json(await batches.bulkRetry(parseOr400(bulkBody, req.body), principalOf(res)));
  });

  return router;
}
