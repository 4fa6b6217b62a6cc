import { TypedSearchAttributes, type SearchAttributePair } from '@temporalio/common';
import type {
  Next,
  WorkflowClientInterceptor,
  WorkflowSignalWithStartInput,
  WorkflowStartInput,
  WorkflowStartOutput,
  WorkflowStartUpdateWithStartInput,
  WorkflowStartUpdateWithStartOutput,
} from '@temporalio/client';
import { isTracked, labelsOf, type TaskdeckPluginOptions } from './options';
import { SA } from './searchAttributes';

type StartOptions = WorkflowStartInput['options'];

/**
 * The client side of the plugin: a tracked workflow started through this client lists in Taskdeck
 * as pending from the moment it is started, before any worker has run it. What the caller set
 * itself is kept.
 */
export class TaskStartInterceptor implements WorkflowClientInterceptor {
  constructor(private readonly options: TaskdeckPluginOptions) {}

  start(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'start'>): Promise<string> {
    return next({ ...input, options: this.labelled(input.workflowType, input.options) });
  }

  startWithDetails(input: WorkflowStartInput, next: Next<WorkflowClientInterceptor, 'startWithDetails'>): Promise<WorkflowStartOutput> {
    return next({ ...input, options: this.labelled(input.workflowType, input.options) });
  }

  signalWithStart(input: WorkflowSignalWithStartInput, next: Next<WorkflowClientInterceptor, 'signalWithStart'>): Promise<string> {
    return next({ ...input, options: this.labelled(input.workflowType, input.options) });
  }

  startUpdateWithStart(
    input: WorkflowStartUpdateWithStartInput,
    next: Next<WorkflowClientInterceptor, 'startUpdateWithStart'>,
  ): Promise<WorkflowStartUpdateWithStartOutput> {
    return next({ ...input, workflowStartOptions: this.labelled(input.workflowType, input.workflowStartOptions) });
  }

  private labelled<O extends Pick<StartOptions, 'typedSearchAttributes' | 'memo' | 'args'>>(workflowType: string, options: O): O {
    if (!isTracked(workflowType, this.options)) return options;
    const given = options.typedSearchAttributes;
    const pairs: SearchAttributePair[] = given === undefined ? [] : given instanceof TypedSearchAttributes ? given.getAll() : [...given];
    const has = new Set(pairs.map((pair) => pair.key.name));
    const labels = labelsOf(options.args ?? [], this.options);
    const add = (pair: SearchAttributePair): void => void (has.has(pair.key.name) || pairs.push(pair));
    add({ key: SA.type, value: workflowType });
    add({ key: SA.status, value: 'pending' });
    add({ key: SA.progress, value: 0 });
    add({ key: SA.updatedAt, value: new Date() });
    if (labels.tag) add({ key: SA.tag, value: labels.tag });
    const memo = labels.name && !options.memo?.name ? { ...options.memo, name: labels.name } : options.memo;
    return { ...options, typedSearchAttributes: pairs, memo };
  }
}
