import { Worker } from '@temporalio/worker';
import { createActivities } from '../activities';
import { progressSignal } from '../core';
import { bootstrapNamespace } from '../runtime/bootstrap';
import { loadConfig, temporalAddress } from '../runtime/config';
import { connectClient, connectWorker } from '../runtime/connection';

/** The worker process: bootstraps the namespace, then runs every task type on the task queue. */
async function run(): Promise<void> {
  const config = loadConfig();
  const { connection, client } = await connectClient(config);
  const nativeConnection = await connectWorker(config);
  try {
    await bootstrapNamespace(connection, config.temporal.namespace);
    const worker = await Worker.create({
      connection: nativeConnection,
      namespace: config.temporal.namespace,
      taskQueue: config.taskQueue,
      workflowsPath: require.resolve('../workflows'),
      // Heartbeats carry the freshest progress to the detail view and bring abort to the
      // activity; by default the SDK sends them only every 12 s with our heartbeat timeout.
      maxHeartbeatThrottleInterval: '1 second',
      defaultHeartbeatThrottleInterval: '1 second',
      activities: createActivities({
        logsRoot: config.logsRoot,
        reportProgress: async (workflowId, runId, update) => {
          await client.workflow.getHandle(workflowId, runId).signal(progressSignal, update);
        },
      }),
    });
    console.log(`taskdeck worker: polling ${config.taskQueue} on ${temporalAddress(config)} (${config.temporal.namespace})`);
    // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets running activities wind down.
    await worker.run();
  } finally {
    await nativeConnection.close();
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
