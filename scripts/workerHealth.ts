import { hostname } from 'node:os';
import { temporal } from '@temporalio/proto';
import { loadConfig } from '../runtime/config';
import { connectTemporal } from '../runtime/connection';

/** Long polls last about a minute; a poller seen longer ago than this has stopped polling. */
const FRESH_MS = 90_000;

/**
 * A worker container's health check: exit 0 while a worker on this host polls the task queue.
 * A worker's identity is `<pid>@<hostname>` and each container has its own hostname, so a
 * replica reports on itself; a stuck or disconnected worker turns unhealthy and is restarted.
 */
async function run(): Promise<number> {
  const config = loadConfig();
  const { connection } = await connectTemporal(config);
  try {
    const { pollers } = await connection.workflowService.describeTaskQueue({
      namespace: config.temporal.namespace,
      taskQueue: { name: config.taskQueue },
      taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
    });
    const suffix = `@${hostname()}`;
    const mine = (pollers ?? []).filter((p) => p.identity?.endsWith(suffix));
    const fresh = mine.some((p) => Date.now() - Number(p.lastAccessTime?.seconds ?? 0) * 1000 < FRESH_MS);
    console.log(fresh ? `healthy: ${suffix} polls ${config.taskQueue}` : `unhealthy: no recent poller ${suffix} on ${config.taskQueue}`);
    return fresh ? 0 : 1;
  } finally {
    await connection.close();
  }
}

run().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`unhealthy: ${err instanceof Error ? err.message : err}`);
    process.exit(1);
  },
);
