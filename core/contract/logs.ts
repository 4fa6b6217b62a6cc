import { z } from 'zod';
import { LOG_STREAMS } from '../logs';
import { TASK_STATUSES } from '../statuses';
import { queryInt } from './common';

const stream = z.enum(LOG_STREAMS, { error: 'stream must be stdout or stderr' }).default('stdout');

export const logStreamQuery = z.strictObject({ stream });

export const logPageQuery = z.strictObject({
  stream,
  page: queryInt('page', { min: 1, max: 1_000_000, default: 1, description: 'Page of 500 lines, from 1', tooSmall: 'page must be 1 or more' }),
});

export const logFollowQuery = z.strictObject({
  stream,
  from: queryInt('from', { min: 0, max: 1_000_000_000, default: 0, description: 'Number of lines the client already has', tooSmall: 'from must be 0 or more' }),
});

export const logSearchQuery = z.strictObject({
  stream,
  q: z.string({ error: 'q is required' }).min(1, 'q must not be empty').max(1000, 'q must be at most 1000 characters'),
  limit: queryInt('limit', { min: 1, max: 10_000, default: 1000, description: 'Most line numbers to return' }),
});

/** Page N of a log, with the line counts of both streams. */
export const logPage = z.strictObject({
  stream: z.enum(LOG_STREAMS),
  page: z.number().int(),
  page_size: z.number().int(),
  total_lines: z.number().int(),
  total_pages: z.number().int(),
  first_line: z.number().int().describe('1-based number of the first line of the page'),
  lines: z.array(z.string()),
  counts: z.strictObject({ stdout: z.number().int(), stderr: z.number().int() }),
});
export type LogPage = z.infer<typeof logPage>;

export const logSearch = z.strictObject({
  stream: z.enum(LOG_STREAMS),
  query: z.string(),
  matches: z.array(z.number().int()).describe('1-based numbers of the lines that contain the query, in order'),
  total_lines: z.number().int(),
  truncated: z.boolean().describe('More lines matched than `matches` holds'),
});
export type LogSearch = z.infer<typeof logSearch>;

/** The events of `GET /tasks/:id/logs/follow`. */
export const logFollowEvents = {
  lines: z.strictObject({ from: z.number().int().describe('Number of lines before these'), lines: z.array(z.string()) }),
  end: z.strictObject({ total_lines: z.number().int(), status: z.enum(TASK_STATUSES) }),
};
