import { join } from 'node:path';
import type { ClientOptions, ClientPlugin, WorkflowClientInterceptor, WorkflowClientInterceptors } from '@temporalio/client';
import { Runtime, type ActivityInterceptorsFactory, type BundleOptions, type BundlerPlugin, type ReplayWorkerOptions, type Worker, type WorkerOptions, type WorkerPlugin } from '@temporalio/worker';
import { pluginActivities } from './activities';
import { drainProgress } from './activity';
import { TaskStartInterceptor } from './client';
import type { TaskdeckPluginOptions } from './options';
import { registerSearchAttributes } from './register';

/** The workflow interceptor module; webpack picks its extension (.ts here, .js in the package). */
const WORKFLOW_INTERCEPTORS = join(__dirname, 'workflowInterceptors');

/**
 * Taskdeck as a plugin of a Temporal worker and client: `plugins: [new TaskdeckPlugin()]`, and the
 * workflows the worker runs become Taskdeck tasks (status, progress, failure message, child edges,
 * abort and retry); a client with it lists them as pending from their start.
 *
 * Its own class rather than SimplePlugin: it adds to the worker's and the client's options
 * without replacing any of the user's (SimplePlugin's interceptor merge drops keys it does not
 * know, like `activityInbound`), and puts its workflow interceptor into the bundle exactly once,
 * whether the worker bundles or the user prebuilt the bundle with `bundleWorkflowCode({ plugins })`.
 */
export class TaskdeckPlugin implements WorkerPlugin, ClientPlugin, BundlerPlugin {
  readonly name = 'taskdeck';

  constructor(private readonly options: TaskdeckPluginOptions = {}) {}

  configureWorker(options: WorkerOptions): WorkerOptions {
    const interceptors = options.interceptors ?? {};
    return {
      ...options,
      activities: { ...(options.activities as object | undefined), ...pluginActivities() },
      // Every key of the user's interceptors stays; ours comes after theirs.
      interceptors: { ...interceptors, activity: [...(interceptors.activity ?? []), finalProgress] },
    };
  }

  configureReplayWorker(options: ReplayWorkerOptions): ReplayWorkerOptions {
    return options;
  }

  /** Called when the worker bundles its workflows, and by `bundleWorkflowCode({ plugins })`. */
  configureBundler(options: BundleOptions): BundleOptions {
    const modules = options.workflowInterceptorModules ?? [];
    const hook = options.webpackConfigHook;
    const defined = JSON.stringify(this.options);
    return {
      ...options,
      workflowInterceptorModules: modules.includes(WORKFLOW_INTERCEPTORS) ? modules : [...modules, WORKFLOW_INTERCEPTORS],
      // The options reach the workflow sandbox as a constant of the bundle: nothing else crosses.
      webpackConfigHook: (config) => {
        const configured = hook ? hook(config) : config;
        const define = { apply: (compiler: { webpack: { DefinePlugin: new (definitions: Record<string, string>) => { apply(c: unknown): void } } }) => new compiler.webpack.DefinePlugin({ __TASKDECK_PLUGIN_OPTIONS__: defined }).apply(compiler) };
        return { ...configured, plugins: [...(configured.plugins ?? []), define as never] };
      },
    };
  }

  configureClient(options: ClientOptions): ClientOptions {
    const ours = new TaskStartInterceptor(this.options);
    const interceptors = options.interceptors ?? {};
    return { ...options, interceptors: { ...interceptors, workflow: withInterceptor(interceptors.workflow, ours) } };
  }

  /** Registers Taskdeck's search attributes before the worker polls, where they are missing. */
  async runWorker(worker: Worker, next: (w: Worker) => Promise<void>): Promise<void> {
    const connection = worker.connection;
    if (connection && this.options.registerSearchAttributes !== false) {
      await registerSearchAttributes(connection, worker.options.namespace, (message) => Runtime.instance().logger.info(message));
    }
    return next(worker);
  }
}

/** An activity's last progress report reaches its workflow before its result does. */
const finalProgress: ActivityInterceptorsFactory = (context) => ({
  inbound: {
    async execute(input, next) {
      try {
        return await next(input);
      } finally {
        await drainProgress(context);
      }
    },
  },
});

/** The user's client interceptors and ours after them, in either of the SDK's two forms. */
function withInterceptor(
  existing: WorkflowClientInterceptors | WorkflowClientInterceptor[] | undefined,
  ours: WorkflowClientInterceptor,
): WorkflowClientInterceptors | WorkflowClientInterceptor[] {
  if (existing === undefined) return [ours];
  if (Array.isArray(existing)) return [...existing, ours];
  return { ...existing, calls: [...(existing.calls ?? []), () => ours] };
}
