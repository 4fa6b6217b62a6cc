import { resolve } from 'node:path';
import { build } from 'vite';
import type { TestProject } from 'vitest/node';
import { provideStack, ROOT, startStack } from '../support/stack';

/**
 * Browser tests: the web app built as `npm start` builds it, served by a real API on its own
 * fresh stack (an empty task table to start from).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build.
  const nodeEnv = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: resolve(ROOT, 'web/vite.config.mts'), logLevel: 'warn' });
  } finally {
    process.env.NODE_ENV = nodeEnv;
  }
  return provideStack(project, await startStack('e2e', 'taskdeck-e2e'));
}
