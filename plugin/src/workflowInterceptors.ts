import {
  ApplicationFailure,
  CancellationScope,
  ContinueAsNew,
  isCancellation,
  proxyActivities,
  upsertMemo,
  workflowInfo,
  type Next,
  type WorkflowExecuteInput,
  type WorkflowInboundCallsInterceptor,
  type WorkflowInterceptorsFactory,
} from '@temporalio/workflow';
import { describeFailure } from './failures';
import { isTracked, labelsOf, type TaskdeckPluginOptions } from './options';
import { SA } from './searchAttributes';
import { isFinished } from './statuses';
import { TaskTracker } from './tracker';
import type { pluginActivities } from './activities';
import { Dependants, upstreamFailureMessage, waitForUpstream } from './upstream';

/**
 * The workflow side of the plugin: it makes every tracked workflow a Taskdeck task. The options
 * reach the sandbox at bundling time (TaskdeckPlugin.configureBundler defines them).
 */
declare const __TASKDECK_PLUGIN_OPTIONS__: TaskdeckPluginOptions | undefined;
const options: TaskdeckPluginOptions = typeof __TASKDECK_PLUGIN_OPTIONS__ === 'undefined' ? {} : __TASKDECK_PLUGIN_OPTIONS__;

const { taskdeckInspectUpstream } = proxyActivities<ReturnType<typeof pluginActivities>>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10 },
});

export const interceptors: WorkflowInterceptorsFactory = () => ({ inbound: [new TaskInbound()] });

class TaskInbound implements WorkflowInboundCallsInterceptor {
  execute(input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
    const { workflowType } = workflowInfo();
    return isTracked(workflowType, options) ? runAsTask(workflowType, input, next) : next(input);
  }
}

/** Failure type of a workflow that did not run because a task it depends on did not complete. */
const UPSTREAM_FAILED = 'UpstreamFailed';

/**
 * Runs a tracked workflow as a task: pending until it runs (or while it waits for the tasks its
 * argument's `depends_on` names), running, then completed, failed with its message, or aborted
 * when cancelled. A workflow that continues as new stays running: the next run is the same task.
 */
async function runAsTask(workflowType: string, input: WorkflowExecuteInput, next: Next<WorkflowInboundCallsInterceptor, 'execute'>): Promise<unknown> {
  const labels = labelsOf(input.args, options);
  const tracker = new TaskTracker(workflowType, 'pending', input.args.length === 1 ? input.args[0] : input.args, labels);
  const dependants = new Dependants();
  const { state } = tracker;
  const identity = [
    { key: SA.type, value: workflowType },
    { key: SA.progress, value: 0 },
    ...(labels.tag ? [{ key: SA.tag, value: labels.tag }] : []),
  ];
  if (labels.name || labels.depends_on) upsertMemo({ ...(labels.name && { name: labels.name }), ...(labels.depends_on && { depends_on: labels.depends_on }) });
  try {
    if (labels.depends_on) {
      tracker.record('pending', { attributes: identity });
      const failure = await waitForUpstream(labels.depends_on, (message) => tracker.waitingFor(message), taskdeckInspectUpstream);
      if (failure) {
        const message = upstreamFailureMessage(failure);
        state.error = { message, step: 'pending' };
        state.message = message;
        tracker.record('upstream_failed', { memo: { message, error: message, failed_step: 'pending' } });
        throw ApplicationFailure.create({ type: UPSTREAM_FAILED, message, nonRetryable: true });
      }
    }
    const startedAt = new Date();
    state.started_at = startedAt.toISOString();
    tracker.record('running', { attributes: [...(labels.depends_on ? [] : identity), { key: SA.startedAt, value: startedAt }] });
    const result = await next(input);
    state.result = result ?? null;
    state.progress = 100;
    tracker.record('completed', { attributes: [{ key: SA.progress, value: 100 }], memo: state.message ? { message: state.message } : undefined });
    return result;
  } catch (err) {
    if (err instanceof ContinueAsNew) throw err;
    if (state.status === 'upstream_failed') throw err;
    if (isCancellation(err)) {
      tracker.record('aborted');
      throw err;
    }
    const failure = describeFailure(err, state.status);
    state.error = failure;
    state.exit_code = failure.exit_code ?? null;
    tracker.record('failed', { memo: { error: failure.message, failed_step: failure.step, exit_code: state.exit_code } });
    throw err;
  } finally {
    // Tasks waiting for this one learn how it ended. Only the plugin's own handlers are waited
    // for: the workflow's handlers are its own business.
    if (isFinished(state.status)) await CancellationScope.nonCancellable(() => dependants.ended(state.status, () => dependants.idle));
  }
}
