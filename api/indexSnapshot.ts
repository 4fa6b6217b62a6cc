import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { deserialize, serialize } from 'node:v8';
import type { PipelineRecord } from './pipelineRecord';
import type { TableSnapshot } from './taskTable';

// 2: the columns of origins, schedules, groups, agents, nodes, trigger times and allocations.
export const SNAPSHOT_VERSION = 2;

/**
 * What the task index writes to the data folder: its rows as columns, and the time up to which
 * they are complete. A restart loads it and lists only what changed since, instead of the window.
 */
export interface IndexSnapshot {
  version: typeof SNAPSHOT_VERSION;
  /** The Temporal cluster and namespace it was listed from: a snapshot of another is ignored. */
  source: string;
  /** Every change visibility listed before this time is in the snapshot. */
  complete_until: number;
  table: TableSnapshot;
  pipelines: PipelineRecord[];
  /** Older runs of reused workflow ids, which visibility still counts: [run id, start ms]. */
  superseded: [string, number][];
}

/** Written to a temporary file and renamed: API replicas sharing the data folder never read half a file. */
export async function saveSnapshot(file: string, snapshot: IndexSnapshot): Promise<number> {
  const bytes = serialize(snapshot);
  await mkdir(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, bytes);
  await rename(temporary, file);
  return bytes.length;
}

/** The snapshot of `source`, or undefined when there is none, it is of another cluster, or unreadable. */
export async function loadSnapshot(file: string, source: string): Promise<IndexSnapshot | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch {
    return undefined;
  }
  try {
    const snapshot = deserialize(bytes) as IndexSnapshot;
    return snapshot.version === SNAPSHOT_VERSION && snapshot.source === source ? snapshot : undefined;
  } catch {
    return undefined;
  }
}
