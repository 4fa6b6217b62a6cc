import type { Handlers } from '../router';
import type { ScheduleService } from '../scheduleService';

type ScheduleHandlers = Pick<
  Handlers,
  'listSchedules' | 'createSchedule' | 'getSchedule' | 'updateSchedule' | 'deleteSchedule' | 'pauseSchedule' | 'unpauseSchedule' | 'triggerSchedule'
>;

/** Schedules: Temporal Schedules whose runs are Taskdeck tasks or pipelines. */
export function scheduleHandlers(schedules: ScheduleService): ScheduleHandlers {
  return {
    listSchedules: async ({ query }) => ({ status: 200, body: await schedules.list(query.group) }),
    createSchedule: async ({ body, principal }) => {
      const schedule = await schedules.create(body, principal);
      return { status: 201, body: schedule, headers: { Location: `/schedules/${encodeURIComponent(schedule.id)}` } };
    },
    getSchedule: async ({ params }) => ({ status: 200, body: await schedules.detail(params.id) }),
    updateSchedule: async ({ params, body, principal }) => ({ status: 200, body: await schedules.update(params.id, body, principal) }),
    deleteSchedule: async ({ params, principal }) => ({ status: 200, body: await schedules.delete(params.id, principal) }),
    pauseSchedule: async ({ params, body, principal }) => ({ status: 200, body: await schedules.pause(params.id, body.note, principal) }),
    unpauseSchedule: async ({ params, body, principal }) => ({ status: 200, body: await schedules.unpause(params.id, body.note, principal) }),
    triggerSchedule: async ({ params, principal }) => ({ status: 202, body: await schedules.trigger(params.id, principal) }),
  };
}
