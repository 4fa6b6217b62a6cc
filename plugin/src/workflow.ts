import { currentTracker } from './tracker';

/**
 * Sets how far this workflow got, 0-100, with an optional message, from workflow code. Taskdeck
 * shows it like an activity's `reportProgress`. It is written to the workflow's history only when
 * the whole percentage moves (at most about 100 times in a task's life); the task page's live
 * state always has the latest. In a workflow the plugin does not track, it does nothing.
 */
export function setProgress(percent: number, message?: string): void {
  currentTracker()?.setProgress(percent, message);
}
