import type { ProgressUpdate } from '../core';

/** What activities need from the outside world; the worker builds it, a test may replace it. */
export interface ActivityDeps {
  /** Root folder of per-task log files, shared with the API that serves them. */
  logsRoot: string;
  /** Delivers a (throttled) progress report to the task's workflow. */
  reportProgress(workflowId: string, runId: string, update: ProgressUpdate): Promise<void>;
}
