import { STATUS_LABEL, type TaskStatus } from './statuses';

/**
 * A readable label for a workflow type: `processInvoice`, `process_invoice` and `ProcessInvoice`
 * all read "Process Invoice". Taskdeck shows it where a catalog type shows its own label.
 */
export function typeLabel(workflowType: string): string {
  const words = workflowType
    .replace(/[_\-.\s]+/g, ' ')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .trim()
    .split(/\s+/)
    .filter(Boolean);
  return words.map((w) => w[0].toUpperCase() + w.slice(1)).join(' ') || workflowType;
}

/** What the Temporal Web UI shows as a task workflow's current details. */
export function currentDetails(state: { status: TaskStatus; progress: number; message: string | null; error: { step: string; message: string } | null }): string {
  const parts = [`**${STATUS_LABEL[state.status]}**`, `${state.progress}%`];
  if (state.message) parts.push(state.message);
  if (state.error) parts.push(`error in ${state.error.step}: ${state.error.message}`);
  return parts.join(' · ');
}
