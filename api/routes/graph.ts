import { Router } from 'express';
import { z } from 'zod';
import { DEFAULT_GRAPH_DEPTH, MAX_GRAPH_DEPTH, buildTaskGraph } from '../../core';
import { HttpError, parseOr400 } from '../errors';
import type { TaskIndex } from '../taskIndex';
import { withinHours } from '../taskQuery';
import { present } from '../taskRecord';

const whole = (name: string) => z.string().regex(/^\d+$/, `${name} must be a whole number`).transform(Number);

/**
 * `GET /graph` parameters: at most one of pipeline, batch and task says what to draw; without
 * any, every task with an edge in the window is drawn.
 */
export const graphQuery = z
  .object({
    pipeline: z.string().min(1).max(255).optional().describe('The tasks of one pipeline'),
    batch: z.string().min(1).max(255).optional().describe('The tasks of one batch'),
    task: z.string().min(1).max(255).optional().describe("One task's upstream and downstream neighbourhood"),
    depth: whole('depth')
      .pipe(z.number().min(1, `depth must be between 1 and ${MAX_GRAPH_DEPTH}`).max(MAX_GRAPH_DEPTH, `depth must be between 1 and ${MAX_GRAPH_DEPTH}`))
      .optional()
      .describe(`With task: how many edges to follow each way (default ${DEFAULT_GRAPH_DEPTH})`),
    within_hours: withinHours,
  })
  .strict()
  .refine((q) => [q.pipeline, q.batch, q.task].filter((v) => v !== undefined).length <= 1, {
    message: 'give at most one of pipeline, batch and task',
    path: ['pipeline'],
  })
  .refine((q) => q.depth === undefined || q.task !== undefined, { message: 'depth needs task', path: ['depth'] });

/** The dependency graph, computed from the task index: no visibility call per request. */
export function graphRouter(index: TaskIndex): Router {
  const router = Router();
  router.get('/graph', async (req, res) => {
    const scope = parseOr400(graphQuery, req.query);
    await index.whenReady();
    const now = Date.now();
    if (scope.task !== undefined && !index.get(scope.task)) {
      throw new HttpError(404, `Task ${scope.task} not found in the 14-day window`, 'task');
    }
    res.json(buildTaskGraph([...index.all()].map((record) => present(record, now)), scope, now));
  });
  return router;
}
