import { LIFECYCLE, isFinished, type TaskStatus } from '../../../core/statuses';

export interface TimelineStep {
  status: TaskStatus;
  at: string | null;
  state: 'done' | 'current' | 'failed' | 'future';
}

interface TaskForTimeline {
  status: TaskStatus;
  timeline: { status: TaskStatus; at: string }[];
  error_detail: { step: TaskStatus } | null;
}

/**
 * The detail page's timeline: every transition that happened, in order (green), the current
 * one (blue) while the task lives, the step it failed in and its bad end (red), then the
 * lifecycle steps still ahead (grey).
 */
export function timelineSteps(task: TaskForTimeline): TimelineStep[] {
  const finished = isFinished(task.status);
  const bad = finished && task.status !== 'completed';
  const steps: TimelineStep[] = task.timeline.map((entry, i) => {
    const last = i === task.timeline.length - 1;
    let state: TimelineStep['state'] = 'done';
    if (last && !finished) state = 'current';
    else if (bad && (last || entry.status === task.error_detail?.step)) state = 'failed';
    return { status: entry.status, at: entry.at, state };
  });
  if (!finished) {
    const reached = Math.max(-1, ...task.timeline.map((e) => LIFECYCLE.indexOf(e.status)));
    for (const status of LIFECYCLE.slice(reached + 1)) steps.push({ status, at: null, state: 'future' });
  }
  return steps;
}
