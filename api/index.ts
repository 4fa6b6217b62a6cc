import type { Server } from 'node:http';
import { Worker } from '@temporalio/worker';
import { apiTaskQueue } from '../core';
import { resolve } from 'node:path';
import { bootstrapNamespace } from '../runtime/bootstrap';
import { loadConfig, temporalAddress } from '../runtime/config';
import { connectTemporal, encryptionNotice } from '../runtime/connection';
import { EncryptionCodec } from '../runtime/encryption';
import { createApp } from './app';
import { BatchService } from './batchService';
import { bulkActivities } from './bulkActivities';
import { DatasetStore } from './datasetStore';
import { EventHub } from './eventHub';
import { LogStore } from './logStore';
import { PipelineService } from './pipelineService';
import { ScheduleService } from './scheduleService';
import { TaskIndex } from './taskIndex';
import { TaskService } from './taskService';

/** The API process: bootstraps the namespace, starts the one shared poller, serves HTTP. Its V8 flags: runtime/processEnv.ts. */
async function run(): Promise<void> {
  const config = loadConfig();
  const { connection, client, dataConverter } = await connectTemporal(config);
  await bootstrapNamespace(connection, config.temporal.namespace);

  const index = new TaskIndex(client, {
    pollMs: config.pollMs,
    checkMs: config.checkMs,
    // One file per cluster and namespace: replicas sharing the data folder share it too.
    snapshot: {
      file: resolve(config.dataDir, 'index', `${encodeURIComponent(config.temporal.namespace)}.snapshot`),
      source: `${temporalAddress(config)}/${config.temporal.namespace}`,
      everyMs: config.snapshotMs,
    },
    log: console.error,
  });
  index.start();
  const hub = new EventHub(index);
  const datasets = new DatasetStore(config.dataDir, client);
  const service = new TaskService({
    datasets,
    client,
    index,
    taskQueue: config.taskQueue,
    namespace: config.temporal.namespace,
    temporalUiUrl: config.temporal.uiUrl,
    // Approval is a decision by someone other than the submitter: it needs to know who is who.
    approvalTypes: config.auth ? config.approvalTypes : [],
  });
  const batches = new BatchService(client, config.temporal.namespace, index, service);
  const pipelines = new PipelineService(client, config.temporal.namespace, config.taskQueue, index, service, config.pipelineSegmentTasks);
  // Activities that need the task service, for workflows that run in the background on the
  // API's behalf (a bulk retry): any API process takes them, so one that dies leaves none behind.
  const apiWorker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: apiTaskQueue(config.taskQueue),
    activities: bulkActivities(service),
    dataConverter,
    maxConcurrentActivityTaskExecutions: 8,
  });
  const apiWorkerDone = apiWorker.run().catch((err: unknown) => {
    // Without it bulk retries would wait for another API: end so the supervisor restarts this one.
    console.error('taskdeck api: its worker stopped', err);
    process.exit(1);
  });
  const schedules = new ScheduleService(client, config.taskQueue, index, service, pipelines);
  const app = createApp({ connection, index, service, batches, pipelines, schedules, hub, logs: new LogStore(config.logsRoot), datasets, auth: config.auth, authFailures: config.authFailures, trustProxy: config.trustProxy, codec: new EncryptionCodec(config.encryption?.keys ?? []) });

  const server: Server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    const auth = config.auth ? `authentication on, ${config.auth.size} tokens` : 'authentication off';
    console.log(`taskdeck api: http://localhost:${port} (Temporal ${temporalAddress(config)}, namespace ${config.temporal.namespace}, ${auth}); ${encryptionNotice(config)}`);
  });

  const shutdown = (): void => {
    hub.close();
    // The SDK's own signal handlers may already be shutting it down.
    if (apiWorker.getState() === 'RUNNING') apiWorker.shutdown();
    server.close(() => void Promise.all([apiWorkerDone, index.stop()]).then(() => connection.close()).then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
}

run().catch((err) => {
  console.error(err);
  process.exit(1);
});
