import type { TestProject } from 'vitest/node';
import { provideCluster, startCluster } from '../support/cluster';

/** One real cluster (PostgreSQL, Temporal server, 2 workers, 2 APIs) for the whole cluster run. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  return provideCluster(project, await startCluster());
}
