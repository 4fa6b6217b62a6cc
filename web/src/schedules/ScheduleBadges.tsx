import type { ReactNode } from 'react';
import { STATUS_LABEL, type TaskStatus } from '../../../core/statuses';
import type { ScheduleRun, ScheduleSummary } from '../api/types';
import { formatTime } from '../lib/format';
import { useScheduleActions } from './useScheduleActions';

/** Active or paused, with the note saying why. */
export function ScheduleState({ schedule }: { schedule: Pick<ScheduleSummary, 'state' | 'note'> }) {
  return (
    <span className={`badge schedule-${schedule.state}`} title={schedule.note ?? undefined} data-state={schedule.state}>
      {schedule.state === 'paused' ? 'Paused' : 'Active'}
    </span>
  );
}

/** A run's status (a pipeline's statuses are task statuses too), or that there was none yet. */
export function RunStatus({ run }: { run: Pick<ScheduleRun, 'status' | 'trigger_time'> | null }) {
  if (!run) return <span className="muted">No run yet</span>;
  const status = run.status as TaskStatus;
  return (
    <span className={`badge badge-${status}`} data-status={status} title={`Due ${formatTime(run.trigger_time)}`}>
      {STATUS_LABEL[status]}
    </span>
  );
}

/** Pause or Unpause, Run now and Delete, on the list and on a schedule's page. */
export function ScheduleButtons({ schedule, onDeleted, children }: { schedule: ScheduleSummary; onDeleted?: () => void; children?: ReactNode }) {
  const actions = useScheduleActions();
  return (
    <>
      {schedule.state === 'paused' ? (
        <button type="button" className="button" onClick={() => void actions.unpause(schedule)}>
          Unpause
        </button>
      ) : (
        <button type="button" className="button" onClick={() => void actions.pause(schedule)}>
          Pause
        </button>
      )}
      <button type="button" className="button" onClick={() => void actions.trigger(schedule)}>
        Run now
      </button>
      {children}
      <button type="button" className="button button-danger" onClick={() => void actions.remove(schedule).then((gone) => gone && onDeleted?.())}>
        Delete
      </button>
    </>
  );
}
