import { CancellationScope, allHandlersFinished, condition, getExternalWorkflowHandle, setHandler, workflowInfo } from '@temporalio/workflow';
import { upstreamDoneSignal, upstreamWatchSignal, type UpstreamTask } from './messages';
import { isFinished, type TaskStatus } from './statuses';

/** Describes upstream tasks (an activity: a workflow cannot describe other workflows itself). */
export type InspectUpstream = (ids: string[]) => Promise<UpstreamTask[]>;

/**
 * Upstream tasks say when they end (a signal), so a waiting task costs nothing while it waits.
 * It still looks for itself now and then, with a growing pause: a task terminated from outside
 * never gets to say it ended. Each look is a describe per upstream task, so the pauses are long
 * and spread out (Math.random is deterministic in a workflow): five thousand waiting tasks cost
 * some seventeen describes a second once their pauses reached the maximum.
 */
const FIRST_RECHECK_MS = 30_000;
const MAX_RECHECK_MS = 5 * 60_000;
const jittered = (ms: number): number => Math.round(ms * (0.8 + 0.4 * Math.random()));

/** An upstream task that ended without completing, which ends the waiting task upstream_failed. */
export interface UpstreamFailure {
  id: string;
  label: string;
  status: UpstreamTask['status'];
}

/**
 * Waits until every task in `ids` completed, saying through `say` which ones it still waits for.
 * Returns the first upstream task found to have ended otherwise, or undefined when all completed.
 */
export async function waitForUpstream(ids: readonly string[], say: (message: string) => void, inspectUpstream: InspectUpstream): Promise<UpstreamFailure | undefined> {
  const self = workflowInfo().workflowId;
  const wanted = new Set(ids);
  const ended = new Map<string, UpstreamTask['status']>();
  const labels = new Map<string, string>();
  setHandler(upstreamDoneSignal, ({ task_id, status }) => {
    if (wanted.has(task_id)) ended.set(task_id, status);
  });
  // Ask first, look second: a task that ends in between has either seen the request (and will
  // tell) or is already seen as ended by the look.
  await Promise.all(ids.map((id) => getExternalWorkflowHandle(id).signal(upstreamWatchSignal, { task_id: self }).catch(() => undefined)));
  let recheck = FIRST_RECHECK_MS;
  let toInspect = [...wanted];
  for (;;) {
    for (const task of await inspectUpstream(toInspect)) {
      labels.set(task.id, task.label);
      if (task.status === 'missing' || isFinished(task.status)) ended.set(task.id, task.status);
    }
    for (;;) {
      const failed = [...ended].find(([, status]) => status !== 'completed');
      if (failed) return { id: failed[0], label: labels.get(failed[0]) ?? failed[0], status: failed[1] };
      const waiting = [...wanted].filter((id) => !ended.has(id));
      if (waiting.length === 0) return undefined;
      say(waitingMessage(waiting.map((id) => labels.get(id) ?? id)));
      const before = ended.size;
      if (!(await condition(() => ended.size > before, jittered(recheck)))) {
        recheck = Math.min(recheck * 2, MAX_RECHECK_MS);
        toInspect = waiting;
        break;
      }
    }
  }
}

function waitingMessage(labels: string[]): string {
  const shown = labels.slice(0, 3).join(', ');
  const more = labels.length > 3 ? ` and ${labels.length - 3} more` : '';
  return `Waiting for ${labels.length === 1 ? 'upstream task' : `${labels.length} upstream tasks`}: ${shown}${more}`;
}

const ENDED_HOW: Record<UpstreamFailure['status'], string> = {
  missing: 'does not exist',
  pending: 'is pending',
  pending_approval: 'is pending approval',
  assigning: 'is waiting for a node',
  initializing: 'is initializing',
  running: 'is running',
  paused: 'is paused',
  completed: 'completed',
  failed: 'failed',
  aborted: 'was aborted',
  rejected: 'was rejected',
  upstream_failed: 'could not run: a task it depends on did not complete',
  terminated: 'was terminated',
  timed_out: 'timed out',
};

/** The error of a task that will not run because of `failure`. */
export function upstreamFailureMessage(failure: UpstreamFailure): string {
  return `Upstream task ${failure.label} ${ENDED_HOW[failure.status]}`;
}

/**
 * The tasks that wait for this one. Every task accepts the request, since any task can be
 * depended on, and tells each waiting task how it ended, however late the request arrives.
 */
export class Dependants {
  private readonly waiting = new Set<string>();
  private outcome: TaskStatus | undefined;
  /** Late requests being answered now. */
  private answering = 0;

  constructor() {
    setHandler(upstreamWatchSignal, async ({ task_id }) => {
      this.waiting.add(task_id);
      if (!this.outcome) return;
      this.answering += 1;
      try {
        await tell(task_id, this.outcome);
      } finally {
        this.answering -= 1;
      }
    });
  }

  /** No late request is being answered. */
  get idle(): boolean {
    return this.answering === 0;
  }

  /**
   * Tells everyone waiting, then lets late requests be answered before the workflow closes:
   * until `settled` (by default every handler of the workflow has finished).
   */
  async ended(status: TaskStatus, settled: () => boolean = allHandlersFinished): Promise<void> {
    this.outcome = status;
    await Promise.all([...this.waiting].map((id) => tell(id, status)));
    await condition(settled);
  }
}

function tell(taskId: string, status: TaskStatus): Promise<void> {
  // An aborted task still tells: its dependants must learn they will not run.
  return CancellationScope.nonCancellable(() =>
    getExternalWorkflowHandle(taskId)
      .signal(upstreamDoneSignal, { task_id: workflowInfo().workflowId, status })
      .catch(() => undefined),
  );
}
