/**
 * Schedules: task definitions that Temporal Schedules run on a cron expression or an interval.
 * Without zod and Node built-ins, so the web app and workflows may import it.
 */

/** What happens when a run is due while the previous one still runs (Temporal's overlap policies). */
export const OVERLAP_POLICIES = ['skip', 'buffer_one', 'buffer_all', 'cancel_other', 'terminate_other', 'allow_all'] as const;
export type OverlapPolicy = (typeof OVERLAP_POLICIES)[number];

export const SCHEDULE_STATES = ['active', 'paused'] as const;
export type ScheduleState = (typeof SCHEDULE_STATES)[number];

/** The schedule memo key Taskdeck writes at creation: who owns the schedule (role checks). */
export interface ScheduleMemo {
  taskdeck_user?: string;
}

/** Whether the runtime's time-zone database knows an IANA name (`Europe/Paris`, `UTC`). */
export function isTimeZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

const MACROS = new Set(['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly']);
const NAMES = /^(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC|SUN|MON|TUE|WED|THU|FRI|SAT)$/i;
/** Field bounds of `[second] minute hour day-of-month month day-of-week`. */
const BOUNDS: [number, number][] = [
  [0, 59],
  [0, 23],
  [1, 31],
  [1, 12],
  [0, 7],
];

/**
 * Why a cron expression is malformed, or undefined when it is well formed: 5 fields (minute hour
 * day-of-month month day-of-week), 6 with seconds first, or a macro like `@daily`. Temporal parses
 * it again when the schedule is made; this catches what a user gets wrong before that.
 */
export function cronProblem(expression: string): string | undefined {
  const text = expression.trim();
  if (MACROS.has(text.toLowerCase()) || /^@every\s+\S+$/i.test(text)) return undefined;
  const fields = text.split(/\s+/);
  if (fields.length !== 5 && fields.length !== 6) return `a cron expression has 5 fields (minute hour day-of-month month day-of-week) or 6 with seconds; '${text}' has ${fields.length}`;
  const bounds: [number, number][] = fields.length === 6 ? [[0, 59], ...BOUNDS] : BOUNDS;
  for (const [i, field] of fields.entries()) {
    for (const part of field.split(',')) {
      const match = /^(\*|\?|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(part);
      if (!match || match[2] === '0') return `field ${i + 1} of '${text}' ('${field}') is not a value, a range, a list or a step`;
      if (match[1] === '*' || match[1] === '?') continue;
      for (const value of match[1].split('-')) {
        if (NAMES.test(value)) continue;
        const n = /^\d+$/.test(value) ? Number(value) : NaN;
        if (!(n >= bounds[i][0] && n <= bounds[i][1])) return `field ${i + 1} of '${text}' ('${field}') must be within ${bounds[i][0]}-${bounds[i][1]}`;
      }
    }
  }
  return undefined;
}
