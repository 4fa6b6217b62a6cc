import { defineConfig } from 'vitest/config';

/**
 * `npm run test:faults`: kill -9 of the worker, the Temporal server and the API on a stack the
 * test file owns, plus fuzzing and load. Longer than `npm test`; `.ci/run` runs both.
 */
export default defineConfig({
  test: {
    include: ['test/faults/**/*.test.ts'],
    testTimeout: 600_000,
    hookTimeout: 180_000,
    // Each file runs its own stack and loads this 2-core machine: one at a time.
    fileParallelism: false,
  },
});
