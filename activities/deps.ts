import type { Client } from '@temporalio/client';
import type { ProgressUpdate } from '../core';
import type { PauseSource } from './pauseWatch';

/** What activities need from the outside world; the worker builds it, a test may replace it. */
export interface ActivityDeps {
  /** Root folder of per-task log files, shared with the API that serves them. */
  logsRoot: string;
  /** Root of the dataset and model store (`TASKDECK_DATA`), shared with the API that reads it. */
  dataRoot: string;
  /** Free space every write leaves on the data folder's disk, in bytes. */
  minFreeBytes: number;
  /** The task queue of task workflows, where dataset entities and the GPU queue run too. */
  taskQueue: string;
  /** A client for the lease activities (dataset entity updates, GPU queue signals). */
  client: Client;
  /** Delivers a (throttled) progress report to the task's workflow. */
  reportProgress(workflowId: string, runId: string, update: ProgressUpdate): Promise<void>;
  /** Tells a running activity that its task was paused or resumed. */
  pauses: PauseSource;
}
