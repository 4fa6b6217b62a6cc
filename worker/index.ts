import { hostname } from 'node:os';
import { Worker } from '@temporalio/worker';
import { PauseWatch, createActivities } from '../activities';
import { gpuTaskQueue, progressSignal } from '../core';
import { bootstrapNamespace } from '../runtime/bootstrap';
import { loadConfig, temporalAddress } from '../runtime/config';
import { connectTemporal, encryptionNotice } from '../runtime/connection';
import { announceAgent } from './agent';

/**
 * The worker process: bootstraps the namespace, then runs every task type on the task queue,
 * and the heavy activities of GPU-bound types on the GPU queue, one at a time.
 */
async function run(): Promise<void> {
  const config = loadConfig();
  const { connection, client, dataConverter } = await connectTemporal(config);
  try {
    await bootstrapNamespace(connection, config.temporal.namespace);
    const activities = createActivities({
      logsRoot: config.logsRoot,
      dataRoot: config.dataDir,
      minFreeBytes: config.minFreeBytes,
      taskQueue: config.taskQueue,
      client,
      pauses: new PauseWatch(client),
      reportProgress: async (workflowId, runId, update) => {
        await client.workflow.getHandle(workflowId, runId).signal(progressSignal, update);
      },
    });
    // Heartbeats carry the freshest progress to the detail view and bring abort to the
    // activity; by default the SDK sends them only every 12 s with our heartbeat timeout. How
    // often they go out is the activities' choice (activities/heartbeat.ts).
    const heartbeats = { maxHeartbeatThrottleInterval: '1 second', defaultHeartbeatThrottleInterval: '1 second' } as const;
    // Temporal's default identity, set here so each task can be told which worker runs it (its Agent).
    const identity = `${process.pid}@${hostname()}`;
    const agent = { identity, interceptors: { activity: [announceAgent(identity)] } };
    const worker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: config.taskQueue,
      workflowsPath: require.resolve('../workflows'),
      activities,
      dataConverter,
      maxConcurrentActivityTaskExecutions: config.workerActivities,
      ...heartbeats,
      ...agent,
    });
    const gpuWorker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: gpuTaskQueue(config.taskQueue),
      activities,
      dataConverter,
      // One GPU: the GPU queue workflow already hands it to one task at a time; this holds even
      // for activities scheduled there by other means.
      maxConcurrentActivityTaskExecutions: 1,
      ...heartbeats,
      ...agent,
    });
    console.log(`taskdeck worker: polling ${config.taskQueue} and ${gpuTaskQueue(config.taskQueue)} on ${temporalAddress(config)} (${config.temporal.namespace}); ${encryptionNotice(config)}`);
    // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets running activities wind down.
    await Promise.all([worker.run(), gpuWorker.run()]);
  } finally {
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
