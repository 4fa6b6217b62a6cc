import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, readFile, readdir, rename, stat } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import {
  STORE,
  snapshotInfo,
  type CustomMetadataInput,
  type IngestInput,
  type LabelPropagationInput,
  type MediaEntry,
  type SnapshotCloneInput,
  type SnapshotCreateInput,
  type SnapshotInfo,
  type SnapshotRestoreInput,
} from '../core';
import { taskExecution } from './context';
import type { ActivityDeps } from './deps';
import {
  Store,
  commitVersion,
  createDataset,
  datasetExists,
  emptyManifest,
  readDataset,
  readVersion,
  type FeatureEntry,
  type LabelEntry,
} from './store/datasets';
import { cloneTree, ensureFreeSpace, formatBytes, readJson, removeQuietly, sha256File, writeJson } from './store/files';
import { dimensions, hammingDistance, imageFeatures } from './store/images';
import { stageSources, stagedFiles } from './store/ingest';
import { parseMetadata, type MetadataRow } from './store/metadata';
import { userError, withJob, withLog, type Job } from './store/job';
import { sniffMedia } from './store/sniff';

export interface StagedSummary {
  files: number;
  bytes: number;
}

export interface DatasetChange {
  dataset_id: string;
  media_count: number;
  /** Whether the index covers every item after the change. */
  indexed: boolean;
}

/** Activities of the dataset task types: ingestion, index, features, labels, metadata, snapshots. */
export function createDatasetActivities(deps: ActivityDeps) {
  const store = new Store(deps.dataRoot);

  /** Copies staged files into a version's media folder, skipping content it already has. */
  const storeMedia = async (job: Job, dir: string, known: MediaEntry[], withIndex: boolean): Promise<MediaEntry[]> => {
    const files = await stagedFiles(store.stagingDir(job.taskId));
    // Content already stored, with the name it came under: a file with the same bytes is skipped.
    const byHash = new Map(known.map((m) => [m.sha256, m.original_name]));
    const added: MediaEntry[] = [];
    for (const [i, file] of files.entries()) {
      const sha256 = await sha256File(file.path);
      const same = byHash.get(sha256);
      if (same === undefined) {
        byHash.set(sha256, file.name);
        const name = `${sha256.slice(0, 16)}.${file.ext}`;
        await copyFile(file.path, join(dir, STORE.media, name));
        const dims = withIndex ? dimensions(await readFile(file.path)) : { width: null, height: null };
        added.push({ id: sha256.slice(0, 16), file: `${STORE.media}/${name}`, original_name: file.name, mime: file.mime, size: file.size, sha256, ...dims });
        const size = dims.width !== null ? `, ${dims.width}×${dims.height}` : '';
        job.log(`Stored ${file.name} as ${STORE.media}/${name} (${file.mime}${size}, ${formatBytes(file.size)}${withIndex ? ', indexed' : ''})`);
      } else {
        job.log(`Skipped ${file.name}: the same content as ${same}, already in the dataset`);
      }
      await job.step(i + 1, files.length, `Stored ${i + 1}/${files.length} files`);
    }
    job.log(`Stored ${added.length} new item${added.length === 1 ? '' : 's'}, skipped ${files.length - added.length} with content already stored`);
    return added;
  };

  const stage = (input: IngestInput) =>
    withJob(deps, 'initializing', (job) => stageSources(job, input, store.stagingDir(job.taskId), deps.minFreeBytes, 'media'));

  return {
    /** Initializing step of creation and addition: free space, downloads, content types. */
    async stageMedia(input: IngestInput): Promise<StagedSummary> {
      return stage(input);
    },

    /** Creation: a new dataset with the staged media, fully indexed, created atomically. */
    async createDatasetFromStaged(id: string, name: string | undefined): Promise<DatasetChange> {
      return withJob(deps, 'running', async (job) => {
        const version = await createDataset(store, id, job.taskId, async (dir) => {
          const index = await storeMedia(job, dir, [], true);
          const manifest = { ...emptyManifest(id, name ?? id, job.taskId), media_count: index.length, bytes: sum(index) };
          return { manifest, index, features: {}, labels: {}, metadata: {} };
        });
        job.log(`Created dataset ${id} ("${version.manifest.name}"): ${version.manifest.media_count} items indexed, ${formatBytes(version.manifest.bytes)}, version ${basename(version.dir)}`);
        return { dataset_id: id, media_count: version.manifest.media_count, indexed: true };
      });
    },

    /** Media addition: media is added, the index is not: the dataset is in Partial Index after. */
    async addStagedMedia(id: string): Promise<DatasetChange> {
      return withJob(deps, 'running', async (job) => {
        const version = await commitVersion(store, id, job.taskId, async (draft) => {
          const added = await storeMedia(job, draft.dir, draft.index, false);
          const files = await readdir(join(draft.dir, STORE.media));
          const bytes = await dirBytes(join(draft.dir, STORE.media), files);
          return {
            ...draft,
            manifest: { ...draft.manifest, media_count: files.length, bytes, indexed: added.length === 0 && draft.manifest.indexed, updated_at: now(), last_task: job.taskId },
          };
        });
        job.log(
          `Committed version ${basename(version.dir)} of dataset ${id}: ${version.manifest.media_count} items, ` +
            (version.manifest.indexed ? 'index complete' : 'index partial (Partial Index until a reindex)'),
        );
        return { dataset_id: id, media_count: version.manifest.media_count, indexed: version.manifest.indexed };
      });
    },

    /** Initializing step of tasks on an existing dataset: it must exist, and what they need must be there. */
    async checkDataset(id: string, need: 'exists' | 'indexed' | 'features'): Promise<{ media_count: number }> {
      return withLog(deps, async (log) => {
        const version = await readDataset(store, id);
        log.line(`Dataset ${id} ("${version.manifest.name}"): ${version.manifest.media_count} items, version ${basename(version.dir)}, index ${version.manifest.indexed ? 'complete' : 'partial'}`);
        if (need !== 'exists' && !version.manifest.indexed) throw userError('The dataset is in Partial Index; run a reindex first');
        if (need === 'features' && Object.keys(version.features).length === 0) throw userError('The dataset has no features yet; run an enrichment first');
        return { media_count: version.manifest.media_count };
      });
    },

    /** Reindex: size, hash, type and dimensions of every media file. */
    async reindexDataset(id: string): Promise<DatasetChange> {
      return withJob(deps, 'running', async (job) => {
        const version = await commitVersion(store, id, job.taskId, async (draft) => {
          const known = new Map(draft.index.map((m) => [m.file, m]));
          const files = (await readdir(join(draft.dir, STORE.media))).sort();
          const index: MediaEntry[] = [];
          for (const [i, name] of files.entries()) {
            const path = join(draft.dir, STORE.media, name);
            const content = await readFile(path);
            const type = sniffMedia(content.subarray(0, 64));
            const sha256 = await sha256File(path);
            const previous = known.get(`${STORE.media}/${name}`);
            const entry: MediaEntry = {
              id: sha256.slice(0, 16),
              file: `${STORE.media}/${name}`,
              original_name: previous?.original_name ?? name,
              mime: type?.mime ?? 'application/octet-stream',
              size: content.length,
              sha256,
              ...dimensions(content),
            };
            index.push(entry);
            const size = entry.width !== null ? `, ${entry.width}×${entry.height}` : '';
            job.log(`Indexed ${entry.original_name} (${entry.file}): ${type ? entry.mime : 'not a recognised media type'}${size}, ${formatBytes(entry.size)}${previous ? '' : ', new since the last index'}`);
            await job.step(i + 1, files.length, `Indexed ${i + 1}/${files.length} items`);
          }
          job.log(`Indexed ${index.length} items, ${index.filter((m) => !known.has(m.file)).length} of them new`);
          return { ...draft, index, manifest: { ...draft.manifest, indexed: true, media_count: index.length, bytes: sum(index), updated_at: now(), last_task: job.taskId } };
        });
        return { dataset_id: id, media_count: version.manifest.media_count, indexed: true };
      });
    },

    /** Enrichment: a perceptual hash and the mean colour of every image. */
    async enrichDataset(id: string): Promise<{ enriched: number; skipped: number }> {
      return withJob(deps, 'running', async (job) => {
        let skipped = 0;
        const version = await commitVersion(store, id, job.taskId, async (draft) => {
          const features: Record<string, FeatureEntry> = {};
          for (const [i, item] of draft.index.entries()) {
            const f = await imageFeatures(join(draft.dir, item.file), item.mime).catch((err: Error) => {
              throw userError(`Cannot decode ${item.original_name} (${item.file}): ${err.message}. Replace the file or restore a snapshot, then retry the enrichment.`);
            });
            if (f) {
              features[item.id] = f;
              job.log(`Enriched ${item.original_name}: perceptual hash ${f.phash}, mean colour rgb(${f.mean_color.join(', ')})`);
            } else {
              skipped += 1;
              job.log(`Skipped ${item.original_name}: ${item.mime} is not a PNG or JPEG; only those have features`);
            }
            await job.step(i + 1, draft.index.length, `Enriched ${i + 1}/${draft.index.length} items`);
          }
          return { ...draft, features, manifest: { ...draft.manifest, updated_at: now(), last_task: job.taskId } };
        });
        job.log(`Enriched ${Object.keys(version.features).length} items, skipped ${skipped}; committed version ${basename(version.dir)}`);
        return { enriched: Object.keys(version.features).length, skipped };
      });
    },

    /** Label propagation: each unlabelled item takes the label of its nearest labelled near-duplicate. */
    async propagateLabels(id: string, input: LabelPropagationInput): Promise<{ propagated: number }> {
      return withJob(deps, 'running', async (job) => {
        let propagated = 0;
        await commitVersion(store, id, job.taskId, async (draft) => {
          const sources = Object.entries(draft.labels).filter(([id, l]) => l.source === 'metadata' && draft.features[id]);
          if (sources.length === 0) throw userError('No labelled item has features; import labels (custom_metadata with a label column) and run an enrichment first');
          const names = new Map(draft.index.map((m) => [m.id, m.original_name]));
          const named = (item: string) => names.get(item) ?? item;
          job.log(`${sources.length} labelled items with features are the sources; near-duplicates within ${input.max_distance} bits take their label`);
          const labels: Record<string, LabelEntry> = { ...draft.labels };
          const items = Object.entries(draft.features);
          for (const [i, [id, f]] of items.entries()) {
            if (labels[id]?.source === 'metadata' || (labels[id] && !input.overwrite)) continue;
            let best: { from: string; label: string; distance: number } | undefined;
            for (const [from, l] of sources) {
              const distance = hammingDistance(f.phash, draft.features[from].phash);
              if (distance <= input.max_distance && (!best || distance < best.distance)) best = { from, label: l.label, distance };
            }
            if (best) {
              labels[id] = { label: best.label, source: 'propagated', from: best.from };
              propagated += 1;
              job.log(`Labelled ${named(id)} '${best.label}', from ${named(best.from)} (distance ${best.distance})`);
            }
            await job.step(i + 1, items.length, `Compared ${i + 1}/${items.length} items`);
          }
          return { ...draft, labels, manifest: { ...draft.manifest, updated_at: now(), last_task: job.taskId } };
        });
        job.log(`Propagated ${propagated} labels`);
        return { propagated };
      });
    },

    /** Initializing step of custom metadata: fetch and parse the file; every row must name an item. */
    async stageMetadata(id: string, input: CustomMetadataInput): Promise<{ rows: number }> {
      return withJob(deps, 'initializing', async (job) => {
        const staging = store.stagingDir(job.taskId);
        await stageSources(job, { file: input.file, urls: input.url ? [input.url] : undefined }, staging, deps.minFreeBytes, 'any');
        const [file] = await stagedFiles(staging);
        const format = input.format ?? (extname(file.name).toLowerCase() === '.json' ? 'json' : 'csv');
        const rows = parseMetadata(await readFile(file.path, 'utf8'), format);
        job.log(`Parsed ${rows.length} rows of ${file.name} as ${format.toUpperCase()}`);
        const version = await readDataset(store, id);
        const ids = new Set(version.index.map((m) => m.id));
        const names = new Set(version.index.map((m) => m.original_name));
        for (const row of rows) {
          if (!ids.has(row.file) && !names.has(row.file)) {
            throw userError(`Invalid metadata format: ${row.where}: no item named "${row.file}" in the dataset. Fix the file and retry.`);
          }
        }
        await writeJson(join(staging, 'metadata-rows.json'), rows);
        job.log(`Every row names an item of dataset ${id}`);
        return { rows: rows.length };
      });
    },

    async importMetadata(id: string): Promise<{ items: number; labels: number }> {
      return withJob(deps, 'running', async (job) => {
        const rows = await readJson<MetadataRow[]>(join(store.stagingDir(job.taskId), 'metadata-rows.json'));
        let labelled = 0;
        await commitVersion(store, id, job.taskId, async (draft) => {
          const byName = new Map(draft.index.map((m) => [m.original_name, m.id]));
          const metadata = { ...draft.metadata };
          const labels = { ...draft.labels };
          for (const [i, row] of rows.entries()) {
            const id = byName.get(row.file) ?? row.file;
            const { label, ...fields } = row.fields;
            metadata[id] = { ...metadata[id], ...fields };
            if (label !== undefined && label !== '') {
              labels[id] = { label: String(label), source: 'metadata' };
              labelled += 1;
            }
            const keys = Object.keys(fields);
            job.log(`${row.where}: ${row.file}${keys.length ? `, fields ${keys.join(', ')}` : ''}${label !== undefined && label !== '' ? `, label '${String(label)}'` : ''}`);
            await job.step(i + 1, rows.length, `Imported ${i + 1}/${rows.length} rows`);
          }
          return { ...draft, metadata, labels, manifest: { ...draft.manifest, updated_at: now(), last_task: job.taskId } };
        });
        job.log(`Imported ${rows.length} rows, ${labelled} labels`);
        return { items: rows.length, labels: labelled };
      });
    },

    /** Snapshot create: the current version, hard-linked into the catalog, renamed into place whole. */
    async createSnapshot(id: string, input: SnapshotCreateInput): Promise<SnapshotInfo> {
      return withJob(deps, 'running', async (job) => {
        const version = await readDataset(store, id);
        const createdAt = new Date();
        const snapshotId = `snap-${createdAt.toISOString().replace(/[-:T]/g, '').slice(0, 14)}-${randomBytes(3).toString('hex')}`;
        const staged = join(store.stagingDir(job.taskId), 'snapshot');
        await removeQuietly(staged);
        await cloneTree(version.dir, join(staged, 'data'));
        job.log(`Copied version ${basename(version.dir)} of dataset ${id} (${version.manifest.media_count} items)`);
        await job.step(1, 2, 'Copied the dataset');
        const info: SnapshotInfo = {
          id: snapshotId,
          name: input.name ?? createdAt.toISOString(),
          description: input.description ?? null,
          created_at: createdAt.toISOString(),
          task_id: job.taskId,
          media_count: version.manifest.media_count,
          indexed: version.manifest.indexed,
        };
        await writeJson(join(staged, STORE.snapshotInfo), info);
        await mkdir(store.snapshotsDir(id), { recursive: true });
        await rename(staged, join(store.snapshotsDir(id), snapshotId));
        job.log(`Snapshot ${snapshotId} ("${info.name}") created`);
        await job.step(2, 2, `Snapshot ${snapshotId} created`);
        return info;
      });
    },

    /** Initializing step of restore and clone: the snapshot must exist and be whole. */
    async checkSnapshot(id: string, input: { snapshot_id: string }): Promise<SnapshotInfo> {
      return withLog(deps, async (log) => {
        await readDataset(store, id);
        const dir = join(store.snapshotsDir(id), input.snapshot_id);
        if (input.snapshot_id.includes('/') || !(await stat(dir).catch(() => undefined))) {
          throw userError(`Dataset ${id} has no snapshot ${input.snapshot_id}; see GET /datasets/${id} for its snapshots`);
        }
        const data = await readVersion(join(dir, 'data'));
        const info = await readJson(join(dir, STORE.snapshotInfo), snapshotInfo);
        log.line(`Snapshot ${info.id} ("${info.name}") of ${info.created_at}: ${data.manifest.media_count} items, whole`);
        return info;
      });
    },

    /** Snapshot restore: the snapshot becomes the current version in one rename; all or nothing. */
    async restoreSnapshot(id: string, input: SnapshotRestoreInput): Promise<DatasetChange> {
      return withJob(deps, 'running', async (job) => {
        const from = join(store.snapshotsDir(id), input.snapshot_id, 'data');
        const version = await commitVersion(
          store,
          id,
          job.taskId,
          async (draft) => {
            await job.step(1, 2, 'Copied the snapshot');
            return { ...draft, manifest: { ...draft.manifest, updated_at: now(), last_task: job.taskId, source_snapshot: input.snapshot_id } };
          },
          from,
        );
        job.log(`Restored snapshot ${input.snapshot_id} as version ${basename(version.dir)}: ${version.manifest.media_count} items`);
        await job.step(2, 2, `Restored ${input.snapshot_id}`);
        return { dataset_id: id, media_count: version.manifest.media_count, indexed: version.manifest.indexed };
      });
    },

    /** Snapshot clone: a new, independent dataset from a snapshot, created atomically. */
    async cloneSnapshot(id: string, input: SnapshotCloneInput): Promise<DatasetChange> {
      return withJob(deps, 'running', async (job) => {
        if (await datasetExists(store, input.new_dataset_id)) throw userError(`Dataset ${input.new_dataset_id} already exists; choose another new_dataset_id`);
        const from = join(store.snapshotsDir(id), input.snapshot_id, 'data');
        const source = await readVersion(from);
        await ensureFreeSpace(store.root, 0, deps.minFreeBytes);
        const version = await createDataset(store, input.new_dataset_id, job.taskId, async (dir) => {
          await cloneTree(from, dir);
          await job.step(1, 2, 'Copied the snapshot');
          const created = now();
          return {
            ...source,
            manifest: { ...source.manifest, id: input.new_dataset_id, name: input.new_name ?? input.new_dataset_id, created_at: created, updated_at: created, last_task: job.taskId, source_snapshot: `${id}/${input.snapshot_id}` },
          };
        });
        job.log(`Cloned snapshot ${input.snapshot_id} of ${id} into the new dataset ${input.new_dataset_id}: ${version.manifest.media_count} items`);
        await job.step(2, 2, `Cloned into ${input.new_dataset_id}`);
        return { dataset_id: input.new_dataset_id, media_count: version.manifest.media_count, indexed: version.manifest.indexed };
      });
    },

    /** Removes what the task staged; runs on every path. */
    async cleanupStaging(): Promise<void> {
      await removeQuietly(store.stagingDir(taskExecution().workflowId));
    },
  };
}

function sum(index: MediaEntry[]): number {
  return index.reduce((total, m) => total + m.size, 0);
}

function now(): string {
  return new Date().toISOString();
}

async function dirBytes(dir: string, files: string[]): Promise<number> {
  let total = 0;
  for (const f of files) total += (await stat(join(dir, f))).size;
  return total;
}
