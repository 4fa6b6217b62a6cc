import { hostname } from 'node:os';
import { Runtime, Worker } from '@temporalio/worker';
import { PauseWatch, createActivities } from '../activities';
import { gpuTaskQueue, nodeJoinSignal, nodeTaskQueue, progressSignal } from '../core';
import { bootstrapNamespace } from '../runtime/bootstrap';
import { loadConfig, temporalAddress } from '../runtime/config';
import { connectTemporal, encryptionNotice } from '../runtime/connection';
import { WORKER_HEARTBEAT_MS, allocatorStart, localNode } from '../runtime/nodes';
import { announceAgent } from './agent';

/**
 * The worker process: bootstraps the namespace, then runs every task type on the task queue,
 * and the heavy activities of GPU-bound types on the GPU queue, one at a time. It is a node: it
 * also polls its own task queue (`<queue>@<node>`), where the work of tasks placed on it runs,
 * and tells the resource allocator what it has.
 */
async function run(): Promise<void> {
  const config = loadConfig();
  const node = localNode(config);
  // Worker heartbeats tell the server (and so Taskdeck's node health) that this process is up.
  Runtime.install({ workerHeartbeatInterval: WORKER_HEARTBEAT_MS });
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
    const nodeWorker = await Worker.create({
      connection,
      namespace: config.temporal.namespace,
      taskQueue: nodeTaskQueue(config.taskQueue, node.name),
      activities,
      dataConverter,
      maxConcurrentActivityTaskExecutions: config.workerActivities,
      ...heartbeats,
      ...agent,
    });
    const running = Promise.all([worker.run(), gpuWorker.run(), nodeWorker.run()]);
    await client.workflow.signalWithStart('resourceAllocator', {
      ...allocatorStart(config.taskQueue),
      signal: nodeJoinSignal,
      signalArgs: [{ ...node, task_queues: [...node.task_queues, gpuTaskQueue(config.taskQueue)] }],
    });
    console.log(
      `taskdeck worker: node ${node.name} (${node.cores} cores, ${node.memory_mb} MB, GPUs ${node.gpus.join(',') || 'none'}), polling ${config.taskQueue}, ${gpuTaskQueue(config.taskQueue)} and ${nodeTaskQueue(config.taskQueue, node.name)} on ${temporalAddress(config)} (${config.temporal.namespace}); ${encryptionNotice(config)}`,
    );
    // Worker.run() handles SIGINT/SIGTERM itself: it stops polling and lets running activities wind down.
    await running;
  } finally {
    await connection.close();
  }
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
