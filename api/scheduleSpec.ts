import type { CalendarSpecDescription, ScheduleDescription, ScheduleSpec, ScheduleOverlapPolicy } from '@temporalio/client';
import { OVERLAP_POLICIES, type OverlapPolicy } from '../core';
import type { ScheduleSpecBody, ScheduleSummary } from '../core/contract';

/** A schedule's `spec` of the API as Temporal's ScheduleSpec. */
export function toTemporalSpec(spec: ScheduleSpecBody): ScheduleSpec {
  return {
    ...(spec.cron !== undefined && { cronExpressions: [spec.cron] }),
    ...(spec.interval_seconds !== undefined && { intervals: [{ every: spec.interval_seconds * 1000, ...(spec.offset_seconds && { offset: spec.offset_seconds * 1000 }) }] }),
    ...(spec.timezone && { timezone: spec.timezone }),
    ...(spec.jitter_seconds && { jitter: spec.jitter_seconds * 1000 }),
  };
}

export const toTemporalOverlap = (overlap: OverlapPolicy): ScheduleOverlapPolicy => overlap.toUpperCase() as ScheduleOverlapPolicy;

export function fromTemporalOverlap(overlap: ScheduleOverlapPolicy | undefined): OverlapPolicy {
  const name = (overlap ?? 'SKIP').toLowerCase();
  return (OVERLAP_POLICIES as readonly string[]).includes(name) ? (name as OverlapPolicy) : 'skip';
}

/**
 * The spec Temporal keeps, as the API shows it. The server compiles cron expressions into
 * calendars, so a calendar is written back as cron; this also shows schedules made elsewhere.
 */
export function describeSpec(spec: ScheduleDescription['spec']): ScheduleSummary['spec'] {
  const cron = (spec.calendars ?? []).map(calendarAsCron);
  const interval = spec.intervals?.[0];
  const intervalSeconds = interval ? interval.every / 1000 : null;
  const timezone = spec.timezone || null;
  const jitter = spec.jitter ? spec.jitter / 1000 : null;
  const parts = [
    ...(intervalSeconds !== null ? [`every ${humanSeconds(intervalSeconds)}`] : []),
    ...cron.map((c) => `cron ${c}`),
  ];
  const description = `${parts.join(', ') || 'never'}${timezone ? ` (${timezone})` : ''}${jitter ? `, jitter ${humanSeconds(jitter)}` : ''}`;
  return {
    cron,
    interval_seconds: intervalSeconds,
    offset_seconds: interval?.offset ? interval.offset / 1000 : null,
    timezone,
    jitter_seconds: jitter,
    description,
  };
}

function humanSeconds(seconds: number): string {
  if (seconds % 86400 === 0) return `${seconds / 86400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

const MONTHS = ['JANUARY', 'FEBRUARY', 'MARCH', 'APRIL', 'MAY', 'JUNE', 'JULY', 'AUGUST', 'SEPTEMBER', 'OCTOBER', 'NOVEMBER', 'DECEMBER'];
const DAYS = ['SUNDAY', 'MONDAY', 'TUESDAY', 'WEDNESDAY', 'THURSDAY', 'FRIDAY', 'SATURDAY'];

type Range = { start: number | string; end?: number | string; step?: number };

/** One calendar as a cron expression: seconds first only when they are not just 0. */
function calendarAsCron(calendar: CalendarSpecDescription): string {
  const field = (ranges: Range[] | undefined, min: number, max: number, names?: string[]): string => {
    const value = (v: number | string | undefined) => (typeof v === 'string' && names ? names.indexOf(v) + (names === MONTHS ? 1 : 0) : Number(v ?? min));
    if (!ranges || ranges.length === 0) return '*';
    return ranges
      .map((range) => {
        const start = value(range.start);
        const end = range.end === undefined ? start : value(range.end);
        const step = range.step && range.step > 1 ? `/${range.step}` : '';
        if (start === min && end >= max) return `*${step}`;
        if (start === end && !step) return String(start);
        return `${start}-${end}${step}`;
      })
      .join(',');
  };
  const minute = field(calendar.minute as Range[], 0, 59);
  const hour = field(calendar.hour as Range[], 0, 23);
  const dayOfMonth = field(calendar.dayOfMonth as Range[], 1, 31);
  const month = field(calendar.month as Range[], 1, 12, MONTHS);
  const dayOfWeek = field(calendar.dayOfWeek as Range[], 0, 6, DAYS);
  const second = field(calendar.second as Range[], 0, 59);
  const five = `${minute} ${hour} ${dayOfMonth} ${month} ${dayOfWeek}`;
  return second === '0' ? five : `${second} ${five}`;
}
