/**
 * What `new TaskdeckPlugin(options)` takes. Plain data: the worker hands it to the workflow
 * sandbox at bundling time, so functions cannot be part of it.
 */
export interface TaskdeckPluginOptions {
  /** Only these workflow types become tasks; by default every workflow the worker runs. */
  workflowTypes?: string[];
  /** These workflow types never become tasks (entity or helper workflows). */
  exclude?: string[];
  /** A tag given to every task (the Tag column and filter), unless its input names one. */
  tag?: string;
  /**
   * The field of a workflow's first argument that names the task (`'customer'` for
   * `{ customer: 'ACME', ... }`); without it a task has no name and shows its type.
   */
  nameFrom?: string;
  /** Register Taskdeck's search attributes at worker start when they are missing (default true). */
  registerSearchAttributes?: boolean;
}

export function isTracked(workflowType: string, options: TaskdeckPluginOptions): boolean {
  if (options.exclude?.includes(workflowType)) return false;
  return options.workflowTypes === undefined || options.workflowTypes.includes(workflowType);
}

/** What a tracked workflow's first argument may say about its task, as a catalog task's argument does. */
export interface TaskLabels {
  name?: string;
  tag?: string;
  /** Tasks that must complete first; the workflow waits for them, pending, before its code runs. */
  depends_on?: string[];
}

const MAX_LABEL = 255;

export function labelsOf(args: readonly unknown[], options: TaskdeckPluginOptions): TaskLabels {
  const first = args[0];
  const fields = first && typeof first === 'object' && !Array.isArray(first) ? (first as Record<string, unknown>) : {};
  const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() ? value.trim().slice(0, MAX_LABEL) : undefined);
  const named = options.nameFrom ? fields[options.nameFrom] : undefined;
  const dependsOn = Array.isArray(fields.depends_on) ? fields.depends_on.filter((id): id is string => typeof id === 'string' && id.length > 0) : [];
  return {
    name: text(typeof named === 'number' ? String(named) : named),
    tag: text(fields.tag) ?? text(options.tag),
    ...(dependsOn.length > 0 && { depends_on: [...new Set(dependsOn)] }),
  };
}
