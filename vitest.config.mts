import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { defineConfig } from 'vitest/config';

/**
 * The browser tests share one stack, and the task table's first test needs it empty: that file
 * runs first, whatever order vitest's cache of earlier runs (failed files first) would pick.
 */
class EmptyTableFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const first = (file: TestSpecification) => Number(!file.moduleId.endsWith('e2e/taskManager.test.ts'));
    // A stable sort: every other file keeps the order vitest chose.
    return (await super.sort(files)).sort((a, b) => first(a) - first(b));
  }
}

export default defineConfig({
  test: {
    sequence: { sequencer: EmptyTableFirst },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'replay',
          include: ['test/replay/**/*.test.ts'],
          // Recorded histories replayed against the workflow code, no server needed (see
          // test/replay/README.md). Bundling the workflows takes a few seconds, more on a busy machine.
          testTimeout: 60_000,
          hookTimeout: 180_000,
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          // Validates docker-compose.yml with Debian's docker-compose (no engine needed): in
          // `npm test`, not in `npm run check`, which needs nothing but Node and Go.
          name: 'compose',
          include: ['test/compose/**/*.test.ts'],
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // One real Temporal dev server, worker and API for the whole run (see setup.ts).
          globalSetup: ['test/integration/setup.ts'],
          testTimeout: 90_000,
          hookTimeout: 120_000,
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          // Chromium driving the built web app on its own fresh stack (see setup.ts).
          globalSetup: ['test/e2e/setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 180_000,
          // One browser at a time: the scenario starts from an empty task table and this machine has 2 cores.
          fileParallelism: false,
          // The table follows visibility within a poll or two: a page may show a task's previous
          // status for a moment after the API described its new one. The default (1 s) is too
          // short for that on a loaded machine.
          expect: { poll: { timeout: 15_000 } },
          sequence: { groupOrder: 2 },
        },
      },
    ],
  },
});
