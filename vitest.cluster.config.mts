import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/** Failover kills a worker and an API for good, so it runs after every other file. */
class FailoverLast extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const last = (file: TestSpecification) => Number(file.moduleId.includes('failover'));
    return [...files].sort((a, b) => last(a) - last(b) || a.moduleId.localeCompare(b.moduleId));
  }
}

/**
 * `npm run test:cluster`: the integration suite and the cluster tests against a real Temporal
 * server on PostgreSQL with 2 workers and 2 APIs (see test/cluster/setup.ts). A config file of
 * its own, so that `vitest run` (npm test) never starts it.
 */
export default defineConfig({
  test: {
    name: 'cluster',
    include: ['test/integration/**/*.test.ts', 'test/cluster/**/*.test.ts'],
    globalSetup: ['test/cluster/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    // One file at a time: the failover file kills shared processes, and the server, PostgreSQL
    // and four Taskdeck processes already fill this 2-core machine.
    fileParallelism: false,
    sequence: { sequencer: FailoverLast },
  },
});
