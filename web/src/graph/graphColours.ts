import type { TaskStatus } from '../../../core/statuses';

/** Drawing a graph on a canvas (the far-out view and the minimap): the table's status palette, filled. */
const FILL: Partial<Record<TaskStatus, string>> = {
  running: '#1d5fd6',
  initializing: '#6b3fc4',
  completed: '#9ed3ae',
  failed: '#b42318',
  timed_out: '#b42318',
  upstream_failed: '#f2b8b2',
  paused: '#e0a030',
  pending_approval: '#e0a030',
  assigning: '#b9a6e8',
  aborted: '#c9b08a',
  rejected: '#c9b08a',
  terminated: '#c9b08a',
};
const PENDING_FILL = '#d5dae3';
export const EDGE_COLOUR = '#9aa3b5';
export const CRITICAL_COLOUR = '#d9480f';
export const CANVAS_EDGE = 'rgba(120, 130, 150, 0.45)';
/** Each colour once: a task's colour is its index here. */
export const PALETTE = [PENDING_FILL, ...new Set(Object.values(FILL))];

export function statusFill(status: TaskStatus): string {
  return FILL[status] ?? PENDING_FILL;
}
