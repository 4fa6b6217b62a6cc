import { lstat, readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@temporalio/client';
import {
  STORE,
  datasetEntityId,
  datasetManifest,
  datasetStateQuery,
  datasetStatus,
  modelInfo,
  snapshotInfo,
  type DatasetHolder,
  type DatasetLeaseState,
  type DatasetManifest,
  type DatasetStatus,
  type ModelInfo,
  type SnapshotInfo,
} from '../core';

/** A query on an entity whose worker is gone must not hang the dataset list. */
const QUERY_TIMEOUT_MS = 3000;

export interface DatasetSummary extends DatasetManifest {
  status: DatasetStatus;
  /** Tasks modifying the dataset now (it is Read Only while there are any). */
  holders: DatasetHolder[];
}

async function readJsonFile(path: string): Promise<unknown> {
  return JSON.parse(await readFile(path, 'utf8'));
}

async function list(dir: string): Promise<string[]> {
  return readdir(dir).catch(() => [] as string[]);
}

/**
 * Reads the dataset store (written by the worker's activities) and the datasets' entity
 * workflows. The API only reads: every change to a dataset is a task.
 */
export class DatasetStore {
  constructor(
    private readonly dataRoot: string,
    private readonly client: Client,
  ) {}

  async manifest(id: string): Promise<DatasetManifest | undefined> {
    const parsed = datasetManifest.safeParse(
      await readJsonFile(join(this.dataRoot, STORE.datasets, id, STORE.current, STORE.manifest)).catch(() => undefined),
    );
    return parsed.success ? parsed.data : undefined;
  }

  /** Whether the store has the dataset (its `current` version), as a creation checks before it writes. */
  async exists(id: string): Promise<boolean> {
    return lstat(join(this.dataRoot, STORE.datasets, id, STORE.current)).then(
      () => true,
      () => false,
    );
  }

  async ids(): Promise<string[]> {
    return (await list(join(this.dataRoot, STORE.datasets))).sort();
  }

  /** The dataset with its status: Read Only while its entity has holders, else from the index state. */
  async summary(id: string): Promise<DatasetSummary | undefined> {
    const manifest = await this.manifest(id);
    if (!manifest) return undefined;
    const lease = await this.leaseState(id);
    const holders = lease?.holders ?? [];
    const indexed = lease?.indexed ?? manifest.indexed;
    return { ...manifest, status: datasetStatus({ holders, indexed }), holders };
  }

  async snapshots(id: string): Promise<SnapshotInfo[]> {
    const dir = join(this.dataRoot, STORE.datasets, id, STORE.snapshots);
    const infos = await Promise.all(
      (await list(dir)).map(async (name) => snapshotInfo.safeParse(await readJsonFile(join(dir, name, STORE.snapshotInfo)).catch(() => undefined))),
    );
    return infos.flatMap((r) => (r.success ? [r.data] : [])).sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  async models(datasetId?: string): Promise<ModelInfo[]> {
    const dir = join(this.dataRoot, STORE.models);
    const infos = await Promise.all(
      (await list(dir)).map(async (name) => modelInfo.safeParse(await readJsonFile(join(dir, name, STORE.model)).catch(() => undefined))),
    );
    return infos
      .flatMap((r) => (r.success ? [r.data] : []))
      .filter((m) => datasetId === undefined || m.dataset_id === datasetId)
      .sort((a, b) => b.created_at.localeCompare(a.created_at));
  }

  private async leaseState(id: string): Promise<DatasetLeaseState | undefined> {
    return this.client
      .withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => this.client.workflow.getHandle(datasetEntityId(id)).query(datasetStateQuery))
      .catch(() => undefined);
  }
}
