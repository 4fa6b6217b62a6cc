import type { TestProject } from 'vitest/node';
import { provideStack, startStack } from '../support/stack';

/** One real stack (Temporal dev server, worker, API) for all the integration tests. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  return provideStack(project, await startStack('it', 'taskdeck-test'));
}
