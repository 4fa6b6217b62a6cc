import { lstat, mkdir, readlink, rename, symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { STORE, datasetManifest, mediaEntry, type DatasetManifest, type MediaEntry } from '../../core';
import { cloneTree, readJson, removeQuietly, writeJson } from './files';
import { userError } from './job';

export const featureEntry = z.object({ phash: z.string(), mean_color: z.tuple([z.number(), z.number(), z.number()]) });
export type FeatureEntry = z.infer<typeof featureEntry>;
export interface LabelEntry {
  label: string;
  source: 'metadata' | 'propagated';
  from?: string;
}

/** One version of a dataset, as files in one folder. */
export interface DatasetVersion {
  dir: string;
  manifest: DatasetManifest;
  index: MediaEntry[];
  features: Record<string, FeatureEntry>;
  labels: Record<string, LabelEntry>;
  metadata: Record<string, Record<string, unknown>>;
}

/** Paths of the store under the data folder; see STORE in core for the layout. */
export class Store {
  constructor(readonly root: string) {}

  datasetDir(id: string): string {
    return join(this.root, STORE.datasets, id);
  }

  currentDir(id: string): string {
    return join(this.datasetDir(id), STORE.current);
  }

  snapshotsDir(id: string): string {
    return join(this.datasetDir(id), STORE.snapshots);
  }

  modelsDir(): string {
    return join(this.root, STORE.models);
  }

  /** A task's private scratch folder, on the store's disk so renames out of it are atomic. */
  stagingDir(taskId: string): string {
    return join(this.root, STORE.staging, encodeURIComponent(taskId));
  }
}

export async function datasetExists(store: Store, id: string): Promise<boolean> {
  return lstat(store.currentDir(id)).then(
    () => true,
    () => false,
  );
}

export async function readVersion(dir: string): Promise<DatasetVersion> {
  const index = await readJson<unknown[]>(join(dir, STORE.index), undefined, []);
  return {
    dir,
    manifest: await readJson(join(dir, STORE.manifest), datasetManifest),
    index: index.map((e) => mediaEntry.parse(e)),
    features: await readJson(join(dir, STORE.features), undefined, {}),
    labels: await readJson(join(dir, STORE.labels), undefined, {}),
    metadata: await readJson(join(dir, STORE.metadata), undefined, {}),
  };
}

export async function readDataset(store: Store, id: string): Promise<DatasetVersion> {
  if (!(await datasetExists(store, id))) throw userError(`Dataset ${id} does not exist; create it first (dataset_creation)`);
  return readVersion(store.currentDir(id));
}

export async function writeVersionFiles(dir: string, version: Omit<DatasetVersion, 'dir'>): Promise<void> {
  await writeJson(join(dir, STORE.manifest), version.manifest);
  await writeJson(join(dir, STORE.index), version.index);
  await writeJson(join(dir, STORE.features), version.features);
  await writeJson(join(dir, STORE.labels), version.labels);
  await writeJson(join(dir, STORE.metadata), version.metadata);
}

const versionName = (taskId: string): string => `v${Date.now()}-${encodeURIComponent(taskId).slice(0, 40)}`;

/**
 * Writes a new version of a dataset and commits it atomically: `build` edits a copy of the
 * current version (media hard-linked), then the `current` symlink is swapped by a rename. Until
 * that rename, readers and the dataset see the old version; a failure or abort before it leaves
 * the dataset exactly as it was.
 */
export async function commitVersion(
  store: Store,
  id: string,
  taskId: string,
  build: (draft: DatasetVersion) => Promise<Omit<DatasetVersion, 'dir'>>,
  from?: string,
): Promise<DatasetVersion> {
  const current = await readDataset(store, id);
  const name = versionName(taskId);
  const draftDir = join(store.datasetDir(id), STORE.versions, name);
  try {
    await cloneTree(from ?? current.dir, draftDir);
    const next = await build(from ? await readVersion(draftDir) : { ...current, dir: draftDir });
    await writeVersionFiles(draftDir, next);
    const previous = await readlink(store.currentDir(id));
    const link = `${store.currentDir(id)}.${name}`;
    await symlink(join(STORE.versions, name), link);
    await rename(link, store.currentDir(id));
    await removeQuietly(join(store.datasetDir(id), previous));
    return { ...next, dir: draftDir };
  } catch (err) {
    await removeQuietly(draftDir);
    throw err;
  }
}

/**
 * Creates a new dataset atomically: it is built under the task's staging folder and renamed into
 * `datasets/<id>` in one step, so a dataset either exists whole or not at all.
 */
export async function createDataset(
  store: Store,
  id: string,
  taskId: string,
  build: (dir: string) => Promise<Omit<DatasetVersion, 'dir'>>,
): Promise<DatasetVersion> {
  if (await datasetExists(store, id)) throw userError(`Dataset ${id} already exists; choose another dataset_id`);
  const staged = join(store.stagingDir(taskId), 'dataset');
  await removeQuietly(staged);
  const name = versionName(taskId);
  const versionDir = join(staged, STORE.versions, name);
  await mkdir(join(versionDir, STORE.media), { recursive: true });
  const version = await build(versionDir);
  await writeVersionFiles(versionDir, version);
  await symlink(join(STORE.versions, name), join(staged, STORE.current));
  await mkdir(join(store.root, STORE.datasets), { recursive: true });
  try {
    await rename(staged, store.datasetDir(id));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST') throw userError(`Dataset ${id} already exists; choose another dataset_id`);
    throw err;
  }
  return { ...version, dir: join(store.datasetDir(id), STORE.versions, name) };
}

export function emptyManifest(id: string, name: string, taskId: string): DatasetManifest {
  const now = new Date().toISOString();
  return { id, name, created_at: now, updated_at: now, indexed: true, media_count: 0, bytes: 0, last_task: taskId, source_snapshot: null };
}
