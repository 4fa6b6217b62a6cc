import { z } from 'zod';
import { PIPELINE_STATUSES } from '../pipelines';
import { OVERLAP_POLICIES, SCHEDULE_STATES, cronProblem, isTimeZone } from '../schedules';
import { MAX_KEYWORD_LENGTH } from '../searchAttributes';
import { TASK_STATUSES } from '../statuses';
import { idParams } from './common';
import { pipelineBody } from './pipelines';
import { startTaskBody } from './tasks';

const isoTime = z.iso.datetime();
const label = z.string().trim().min(1).max(MAX_KEYWORD_LENGTH);
const YEAR_SECONDS = 366 * 24 * 3600;

/** When a schedule runs: one cron expression or one interval, in a time zone, with optional jitter. */
export const scheduleSpec = z
  .strictObject({
    cron: z
      .string()
      .trim()
      .min(1, 'cron must not be empty')
      .max(255)
      .superRefine((value, ctx) => {
        const problem = cronProblem(value);
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      })
      .optional()
      .describe('A cron expression: minute hour day-of-month month day-of-week (6 fields: seconds first), or @daily, @hourly ...'),
    interval_seconds: z
      .number({ error: 'interval_seconds must be a number of seconds' })
      .min(1, 'interval_seconds must be at least 1 (one second)')
      .max(YEAR_SECONDS, 'interval_seconds must be at most a year')
      .optional()
      .describe('Run every this many seconds'),
    offset_seconds: z.number().min(0).max(YEAR_SECONDS).optional().describe('Shift of the interval runs from the epoch'),
    timezone: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .refine(isTimeZone, { error: (i) => `unknown time zone '${String(i.input)}'; use an IANA name like Europe/Paris or UTC` })
      .optional()
      .describe('IANA time zone of the cron expression (default UTC)'),
    jitter_seconds: z.number().min(0).max(YEAR_SECONDS).optional().describe('Each run starts up to this many seconds late, at random'),
  })
  .superRefine((spec, ctx) => {
    if (spec.cron === undefined && spec.interval_seconds === undefined) {
      ctx.addIssue({ code: 'custom', path: ['cron'], message: 'a schedule needs cron or interval_seconds' });
    } else if (spec.cron !== undefined && spec.interval_seconds !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['interval_seconds'], message: 'give cron or interval_seconds, not both' });
    }
  });
export type ScheduleSpecBody = z.infer<typeof scheduleSpec>;

export const schedulePolicy = z.strictObject({
  overlap: z
    .enum(OVERLAP_POLICIES, { error: `overlap must be one of ${OVERLAP_POLICIES.join(', ')}` })
    .default('skip')
    .describe('When a run is due while the last still runs: skip it (default), buffer one or all, cancel or terminate the running one, or allow all'),
  catchup_window_seconds: z
    .number()
    .int()
    .min(10, 'catchup_window_seconds must be at least 10')
    .max(YEAR_SECONDS)
    .optional()
    .describe('After an outage, runs missed by at most this long still run'),
  pause_on_failure: z.boolean().optional().describe('Pause the schedule when a run fails'),
});

const scheduleFields = {
  name: label.optional().describe("The schedule's name, given to its runs (default: the task's or pipeline's name, else the id)"),
  group: label.optional().describe('The group the schedule and its runs belong to ("billing")'),
  spec: scheduleSpec,
  policy: schedulePolicy.default({ overlap: 'skip' }),
  task: startTaskBody.optional().describe('The task each run starts, as POST /tasks takes it'),
  pipeline: pipelineBody.optional().describe('The pipeline each run starts, as POST /pipelines takes it: its tasks run in dependency order each time'),
  paused: z.boolean().optional().describe('Create (or keep) the schedule paused'),
  note: z.string().trim().min(1).max(1000).optional().describe('Why it is paused, or any note'),
};

function oneAction(body: { task?: unknown; pipeline?: unknown }, ctx: z.RefinementCtx): void {
  if (body.task === undefined && body.pipeline === undefined) {
    ctx.addIssue({ code: 'custom', path: ['task'], message: 'a schedule runs a task or a pipeline: give task (a POST /tasks body) or pipeline (a POST /pipelines body)' });
  } else if (body.task !== undefined && body.pipeline !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['pipeline'], message: 'give task or pipeline, not both' });
  }
}

/** `POST /schedules`. */
export const scheduleBody = z
  .strictObject({
    id: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'id must be 1-100 letters, digits, dots, dashes or underscores, starting with a letter or digit')
      .optional()
      .describe('The schedule id (the Temporal Schedule id); made from the name when absent'),
    ...scheduleFields,
  })
  .superRefine(oneAction);
export type ScheduleBody = z.infer<typeof scheduleBody>;

/** `PUT /schedules/:id`: the whole definition again. */
export const scheduleUpdateBody = z.strictObject(scheduleFields).superRefine(oneAction);
export type ScheduleUpdateBody = z.infer<typeof scheduleUpdateBody>;

/** `POST /schedules/:id/pause` and `/unpause`. */
export const scheduleNoteBody = z
  .strictObject({ note: z.string().trim().min(1).max(1000, 'note must be at most 1000 characters').optional().describe('Why: shown on the schedule') })
  .default({});

export const scheduleParams = idParams.describe('Schedule id');

export const listSchedulesQuery = z.strictObject({
  group: z.string().optional().describe('Schedules of one group'),
});

const RUN_STATUSES = [...new Set([...TASK_STATUSES, ...PIPELINE_STATUSES])] as [string, ...string[]];

/** One run a schedule started: a task, or a pipeline. */
export const scheduleRun = z.strictObject({
  id: z.string(),
  kind: z.enum(['task', 'pipeline']),
  status: z.enum(RUN_STATUSES),
  trigger_time: isoTime,
  created_at: isoTime,
  started_at: isoTime.nullable(),
  end_date: isoTime.nullable(),
});
export type ScheduleRun = z.infer<typeof scheduleRun>;

/** An entry of `GET /schedules`. */
export const scheduleSummary = z.strictObject({
  id: z.string(),
  name: z.string(),
  group: z.string().nullable(),
  user: z.string().nullable().describe('Who created it: a user role acts only on its own schedules'),
  state: z.enum(SCHEDULE_STATES),
  note: z.string().nullable(),
  spec: z.strictObject({
    cron: z.array(z.string()).describe('Cron expressions, as Temporal keeps them (calendars written back as cron)'),
    interval_seconds: z.number().nullable(),
    offset_seconds: z.number().nullable(),
    timezone: z.string().nullable(),
    jitter_seconds: z.number().nullable(),
    description: z.string().describe('In words: "every 30 s", "cron 0 2 * * * (Europe/Paris)"'),
  }),
  policy: z.strictObject({
    overlap: z.enum(OVERLAP_POLICIES),
    catchup_window_seconds: z.number(),
    pause_on_failure: z.boolean(),
  }),
  action: z.strictObject({
    kind: z.enum(['task', 'pipeline']),
    workflow_type: z.string(),
    tasks: z
      .array(z.strictObject({ key: z.string(), type: z.string(), depends_on: z.array(z.string()) }))
      .describe('What each run starts: one task, or the pipeline\'s tasks with their edges (by key)'),
  }),
  next_runs: z.array(isoTime),
  last_run: scheduleRun.nullable(),
  created_at: isoTime,
});
export type ScheduleSummary = z.infer<typeof scheduleSummary>;

/** `GET /schedules/:id` and the answers of create, edit, pause and unpause. */
export const scheduleDetail = scheduleSummary.extend({
  recent_runs: z.array(scheduleRun).describe('The newest runs first, with their status'),
  runs_taken: z.number().int(),
  skipped_overlap: z.number().int().describe('Runs skipped because the last one still ran (overlap skip)'),
  task: z.unknown().nullable().describe('The task each run starts, as POST /tasks takes it (for editing)'),
  pipeline: z.unknown().nullable().describe('The pipeline each run starts, as POST /pipelines takes it'),
});
export type ScheduleDetail = z.infer<typeof scheduleDetail>;

export const scheduleTriggered = z.strictObject({ id: z.string(), triggered_at: isoTime });
export const scheduleDeleted = z.strictObject({ id: z.string(), deleted: z.literal(true) });
