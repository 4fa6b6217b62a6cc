import { z } from 'zod';
import { LOG_STREAMS, TASK_TYPE_IDS, datasetId, taskMeta } from '../core';

/** `POST /tasks`: the type's own input is validated against the catalog in a second step. */
export const startTaskBody = taskMeta
  .omit({ retry_of: true, triggered_by: true, needs_approval: true, batch_id: true, pipeline_id: true })
  .extend({
    type: z.enum(TASK_TYPE_IDS as [string, ...string[]], {
      error: (i) =>
        i.input === undefined ? 'type is required' : `unknown task type '${String(i.input)}'; known: ${TASK_TYPE_IDS.join(', ')}`,
    }),
    input: z.record(z.string(), z.unknown(), { error: 'input must be a JSON object' }),
  })
  .strict();

export const taskIdParams = z.object({ id: z.string().min(1).max(1000) });

export const logPageQuery = z
  .object({
    stream: z.enum(LOG_STREAMS, { error: 'stream must be stdout or stderr' }).default('stdout'),
    page: z
      .string()
      .regex(/^\d+$/, 'page must be a whole number')
      .transform(Number)
      .pipe(z.number().min(1, 'page must be 1 or more'))
      .default(1),
  })
  .strict();

export const logStreamQuery = z
  .object({ stream: z.enum(LOG_STREAMS, { error: 'stream must be stdout or stderr' }).default('stdout') })
  .strict();

export const logFollowQuery = z
  .object({
    stream: z.enum(LOG_STREAMS, { error: 'stream must be stdout or stderr' }).default('stdout'),
    from: z
      .string()
      .regex(/^\d+$/, 'from must be a whole number')
      .transform(Number)
      .default(0)
      .describe('Number of lines the client already has'),
  })
  .strict();

export const logSearchQuery = z
  .object({
    stream: z.enum(LOG_STREAMS, { error: 'stream must be stdout or stderr' }).default('stdout'),
    q: z.string({ error: 'q is required' }).min(1, 'q must not be empty').max(1000, 'q must be at most 1000 characters'),
    limit: z
      .string()
      .regex(/^\d+$/, 'limit must be a whole number')
      .transform(Number)
      .pipe(z.number().min(1, 'limit must be between 1 and 10000').max(10_000, 'limit must be between 1 and 10000'))
      .default(1000),
  })
  .strict();
export const datasetIdParams = z.object({ id: datasetId });

/** `POST /tasks/:id/approve` and `/reject`: an optional note (the reason of a rejection). */
export const approvalBody = z
  .object({ note: z.string().trim().min(1).max(1000, 'note must be at most 1000 characters').optional().describe('Why: shown on the task') })
  .strict()
  .default({});
