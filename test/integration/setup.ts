import type { TestProject } from 'vitest/node';
import { startStack } from '../support/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    temporalAddress: string;
    temporalCli: string;
    taskQueue: string;
    dataDir: string;
  }
}

/** One real stack (Temporal dev server, worker, API) for all the integration tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const stack = await startStack('it', 'taskdeck-test');
  project.provide('apiUrl', stack.apiUrl);
  project.provide('temporalAddress', stack.temporalAddress);
  project.provide('temporalCli', stack.temporalCli);
  project.provide('taskQueue', stack.taskQueue);
  project.provide('dataDir', stack.dataDir);
  return stack.stop;
}
