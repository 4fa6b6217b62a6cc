import type { Client } from '@temporalio/client';
import { SA } from '../core';

/** How a running activity learns that its task was paused or resumed. */
export interface PauseSource {
  /** Calls `listener` whenever the task's paused state changes; returns the unsubscribe. */
  watch(taskId: string, listener: (paused: boolean) => void): () => void;
}

type Listener = (paused: boolean) => void;

/** Paused tasks are found within this time; the issue asks for a stop within 2 s. */
const POLL_MS = 1000;
const PAUSED_QUERY = `${SA.status.name} = 'paused' AND ExecutionStatus = 'Running'`;

/**
 * One poller per worker process for every activity it runs: while any activity watches, it asks
 * visibility once a second which tasks are paused. A per-activity query or describe would cost one
 * call per running task per second (the bench runs a thousand); this costs one per worker, and
 * nothing while the worker is idle. The workflow records `paused` in its status search attribute,
 * so no signal to the activity and no file shared between hosts is needed.
 */
export class PauseWatch implements PauseSource {
  private readonly listeners = new Map<string, Set<Listener>>();
  private paused = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private polling = false;

  constructor(
    private readonly client: Client,
    private readonly intervalMs = POLL_MS,
  ) {}

  watch(taskId: string, listener: Listener): () => void {
    let set = this.listeners.get(taskId);
    if (!set) this.listeners.set(taskId, (set = new Set()));
    set.add(listener);
    if (!this.timer) {
      this.timer = setInterval(() => void this.poll(), this.intervalMs);
      this.timer.unref();
      void this.poll();
    }
    return () => {
      set.delete(listener);
      if (set.size === 0) this.listeners.delete(taskId);
      if (this.listeners.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
        // Not polled meanwhile: a later watcher must not trust this.
        this.paused = new Set();
      }
    };
  }

  private async poll(): Promise<void> {
    if (this.polling) return;
    this.polling = true;
    try {
      const now = new Set<string>();
      for await (const execution of this.client.workflow.list({ query: PAUSED_QUERY })) now.add(execution.workflowId);
      const before = this.paused;
      this.paused = now;
      for (const [taskId, set] of this.listeners) {
        const paused = now.has(taskId);
        if (paused !== before.has(taskId)) for (const listener of set) listener(paused);
      }
    } catch {
      // Visibility unavailable for a moment: the next poll tells.
    } finally {
      this.polling = false;
    }
  }
}
