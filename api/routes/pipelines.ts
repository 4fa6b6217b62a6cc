import { Router } from 'express';
import { z } from 'zod';
import { principalOf } from '../auth';
import { parseOr400 } from '../errors';
import { pipelineBody, type PipelineService } from '../pipelineService';

const pipelineIdParams = z.object({ id: z.string().min(1).max(255) });

/** Pipelines: named sets of tasks with edges, run as a parent workflow of the task workflows. */
export function pipelinesRouter(pipelines: PipelineService): Router {
  const router = Router();

  router.post('/pipelines', async (req, res) => {
    const pipeline = await pipelines.start(parseOr400(pipelineBody, req.body), principalOf(res));
    res.status(201).location(`/pipelines/${encodeURIComponent(pipeline.id)}`).json(pipeline);
  });

  router.get('/pipelines', async (_req, res) => {
    res.json(await pipelines.list());
  });

  router.get('/pipelines/:id', async (req, res) => {
    const { id } = parseOr400(pipelineIdParams, req.params);
    res.json(await pipelines.detail(id));
  });

  router.post('/pipelines/:id/abort', async (req, res) => {
    const { id } = parseOr400(pipelineIdParams, req.params);
    res.status(202).json({ ...(await pipelines.abort(id, principalOf(res))), abort_requested: true });
  });

  return router;
}
