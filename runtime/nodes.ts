import { availableParallelism, hostname, totalmem } from 'node:os';
import { execFileSync } from 'node:child_process';
import type { Client } from '@temporalio/client';
import { optionalTsToMs } from '@temporalio/common/lib/time';
import { temporal } from '@temporalio/proto';
import { allocatorId, nodeTaskQueue, type AllocatorState, type NodeCapacity } from '../core';
import type { Config } from './config';

/** How often a worker tells the server it is alive (worker heartbeats, where the server keeps them). */
export const WORKER_HEARTBEAT_MS = 5000;
/** A node whose workers sent no heartbeat for this long is down. */
const HEARTBEAT_DEAD_MS = 4 * WORKER_HEARTBEAT_MS;
/**
 * Without worker heartbeats, the pollers of the node's own task queue say it is up. An idle
 * worker's long poll lasts up to a minute and the server records when it began, so only a poll
 * older than this means the worker is gone.
 */
const POLLER_DEAD_MS = 90_000;

export interface NodeHealth {
  alive: boolean;
  /** The last time Temporal heard from the node's worker (a heartbeat or a poll), or null. */
  last_seen: string | null;
  /** What Temporal knows it from. */
  source: 'worker heartbeat' | 'task queue pollers';
  /** The identities of its workers Temporal knows. */
  workers: string[];
}

/** The resource allocator's start, for a signal-with-start from a worker joining or a task asking. */
export function allocatorStart(taskQueue: string) {
  return {
    workflowId: allocatorId(taskQueue),
    taskQueue,
    args: [{ nodes: {}, holders: [], waiting: [] }] as [AllocatorState],
    staticSummary: 'Taskdeck nodes and resources: who holds which cores, memory and GPUs',
  };
}

/** What this worker process declares as its node: settings where given, else what the machine says. */
export function localNode(config: Config): NodeCapacity {
  const name = config.node.name ?? hostname();
  return {
    name,
    cores: config.node.cores ?? availableParallelism(),
    memory_mb: config.node.memoryMb ?? Math.floor(totalmem() / 2 ** 20),
    gpus: config.node.gpus ?? detectGpus(),
    task_queues: [config.taskQueue, nodeTaskQueue(config.taskQueue, name)],
  };
}

/** GPU indices as nvidia-smi lists them; none where there is no NVIDIA driver. */
function detectGpus(): number[] {
  try {
    const out = execFileSync('nvidia-smi', ['--query-gpu=index', '--format=csv,noheader'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 });
    return out.split('\n').map((l) => l.trim()).filter(Boolean).map(Number).filter(Number.isInteger);
  } catch {
    return [];
  }
}

/**
 * Whether each node's worker is up, from what Temporal knows: the worker heartbeats of the node's
 * own task queue (ListWorkers), or, on a server that does not keep them, its pollers.
 */
export async function nodesHealth(client: Client, taskQueue: string, names: string[]): Promise<Record<string, NodeHealth>> {
  const service = client.workflowService;
  const namespace = client.options.namespace;
  const now = Date.now();
  const byQueue = await workerHeartbeats(client);
  const result: Record<string, NodeHealth> = {};
  await Promise.all(
    names.map(async (name) => {
      const queue = nodeTaskQueue(taskQueue, name);
      if (byQueue) {
        const beats = byQueue.get(queue) ?? [];
        const last = Math.max(0, ...beats.map((b) => b.at));
        result[name] = {
          alive: beats.some((b) => b.running && now - b.at < HEARTBEAT_DEAD_MS),
          last_seen: last ? new Date(last).toISOString() : null,
          source: 'worker heartbeat',
          workers: beats.filter((b) => b.running).map((b) => b.identity),
        };
        return;
      }
      const described = await service.describeTaskQueue({
        namespace,
        taskQueue: { name: queue, kind: temporal.api.enums.v1.TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: temporal.api.enums.v1.TaskQueueType.TASK_QUEUE_TYPE_ACTIVITY,
      });
      const pollers = (described.pollers ?? []).map((p) => ({ identity: p.identity ?? '', at: optionalTsToMs(p.lastAccessTime) ?? 0 }));
      const last = Math.max(0, ...pollers.map((p) => p.at));
      const fresh = pollers.filter((p) => now - p.at < POLLER_DEAD_MS);
      result[name] = { alive: fresh.length > 0, last_seen: last ? new Date(last).toISOString() : null, source: 'task queue pollers', workers: fresh.map((p) => p.identity) };
    }),
  );
  return result;
}

interface Beat {
  identity: string;
  at: number;
  running: boolean;
}

/** Worker heartbeats by task queue, or undefined when the server does not keep them. */
async function workerHeartbeats(client: Client): Promise<Map<string, Beat[]> | undefined> {
  const byQueue = new Map<string, Beat[]>();
  let nextPageToken: Uint8Array | undefined;
  try {
    do {
      const page = await client.workflowService.listWorkers({ namespace: client.options.namespace, pageSize: 1000, nextPageToken });
      for (const info of page.workersInfo ?? []) {
        const beat = info.workerHeartbeat;
        if (!beat?.taskQueue) continue;
        const list = byQueue.get(beat.taskQueue) ?? [];
        list.push({
          identity: beat.workerIdentity ?? '',
          at: optionalTsToMs(beat.heartbeatTime) ?? 0,
          running: beat.status === temporal.api.enums.v1.WorkerStatus.WORKER_STATUS_RUNNING,
        });
        byQueue.set(beat.taskQueue, list);
      }
      nextPageToken = page.nextPageToken?.length ? page.nextPageToken : undefined;
    } while (nextPageToken);
  } catch (err) {
    // UNIMPLEMENTED, or "method ListWorkers not supported" where the server's config turns it off.
    if (/not supported|unimplemented|ListWorkersEnabled/i.test(String((err as Error).message)) || (err as { code?: number }).code === 12) return undefined;
    throw err;
  }
  return byQueue;
}
