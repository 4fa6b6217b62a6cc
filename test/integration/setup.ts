import type { TestProject } from 'vitest/node';
import { freePort, removeDir, runEntry, startTestServer, stopProcess, tempDir, testTemporalCli, waitForHttp } from '../support/stack';

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrl: string;
    temporalAddress: string;
    temporalCli: string;
    taskQueue: string;
    dataDir: string;
  }
}

/**
 * The real stack for the integration tests: a Temporal dev server on free ports with a fresh
 * database, and Taskdeck's own worker and API processes started from their entry points.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cli = testTemporalCli();
  const dataDir = tempDir('it');
  const server = await startTestServer(cli, dataDir);
  const port = await freePort();
  const taskQueue = 'taskdeck-test';
  const env = {
    TASKDECK_DATA: dataDir,
    TASKDECK_TASK_QUEUE: taskQueue,
    TEMPORAL_ADDRESS: server.address,
    TEMPORAL_UI_URL: server.uiUrl,
    PORT: String(port),
  };
  const output = process.env.TASKDECK_TEST_LOGS ? 'inherit' : 'ignore';
  const worker = runEntry('worker/index.ts', env, output);
  const api = runEntry('api/index.ts', env, output);
  const apiUrl = `http://127.0.0.1:${port}`;
  await waitForHttp(`${apiUrl}/healthz`);

  project.provide('apiUrl', apiUrl);
  project.provide('temporalAddress', server.address);
  project.provide('temporalCli', cli);
  project.provide('taskQueue', taskQueue);
  project.provide('dataDir', dataDir);

  return async () => {
    await Promise.all([stopProcess(api), stopProcess(worker)]);
    await server.stop();
    removeDir(dataDir);
  };
}
