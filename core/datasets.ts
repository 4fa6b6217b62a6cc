import { z } from 'zod';

/**
 * Datasets and the concurrency table of visual-layer-task-manager.md, as pure data and pure
 * functions: the dataset entity workflow enforces them, the API shows them, unit tests read them.
 */

export const DATASET_STATUSES = ['ready', 'read_only', 'partial_index'] as const;
export type DatasetStatus = (typeof DATASET_STATUSES)[number];

export const DATASET_STATUS_LABEL: Record<DatasetStatus, string> = {
  ready: 'Ready',
  read_only: 'Read Only',
  partial_index: 'Partial Index',
};

/**
 * How a task type uses its dataset while it is active.
 * - `write`: modifies the dataset; the dataset is Read Only meanwhile, and the task is blocked
 *   while another write holds it.
 * - `write_indexed`: the same, and also blocked in Partial Index (enrichment, label propagation,
 *   custom metadata need every item indexed).
 * - `read`: reads the dataset and never blocks or is blocked (training, validation, ...).
 * - `none`: no dataset.
 */
export const DATASET_ACCESS = ['write', 'write_indexed', 'read', 'none'] as const;
export type DatasetAccess = (typeof DATASET_ACCESS)[number];

export function isExclusive(access: DatasetAccess): boolean {
  return access === 'write' || access === 'write_indexed';
}

/** A dataset ID is one safe path segment: it names a folder of the store and a workflow ID. */
export const DATASET_ID_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;
export const DATASET_ID_RULE = 'a dataset id is 1-64 lowercase letters, digits, - or _, starting with a letter or digit';
export const datasetId = z.string().regex(DATASET_ID_PATTERN, DATASET_ID_RULE);

/** The workflow ID of a dataset's entity workflow, which serializes access to it. */
export const datasetEntityId = (id: string): string => `taskdeck-dataset:${id}`;

export interface DatasetHolder {
  task_id: string;
  task_type: string;
  since: string;
}

/** What a dataset entity knows; the API shows it in `GET /datasets`. */
export interface DatasetLeaseState {
  dataset_id: string;
  holders: DatasetHolder[];
  /** Known from the last write that ended; undefined until one did (the store on disk says). */
  indexed: boolean | undefined;
}

export interface AcquireDatasetRequest {
  task_id: string;
  task_type: string;
  access: DatasetAccess;
  /** What the store on disk says, for an entity that has not yet seen a write end. */
  indexed_on_disk: boolean;
}

export interface ReleaseDatasetRequest {
  task_id: string;
  /** Set when the task changed whether the dataset's index is complete. */
  indexed?: boolean;
  /** Hand the lease to a follow-up task atomically (media addition → its reindex). */
  handover_to?: { task_id: string; task_type: string };
}

/** Why a start is refused, in words a user can act on; undefined when it may start. */
export function blockReason(
  state: { holders: readonly DatasetHolder[]; indexed: boolean },
  request: { task_id: string; access: DatasetAccess },
): { message: string; holder: string | null } | undefined {
  if (!isExclusive(request.access)) return undefined;
  const other = state.holders.find((h) => h.task_id !== request.task_id);
  if (other) {
    return {
      message: `The dataset is Read Only while task ${other.task_id} (${other.task_type}) modifies it; wait for it to end or abort it`,
      holder: other.task_id,
    };
  }
  if (request.access === 'write_indexed' && !state.indexed) {
    return {
      message: 'The dataset is in Partial Index: new media is not indexed yet; run a reindex first',
      holder: null,
    };
  }
  return undefined;
}

export function datasetStatus(state: { holders: readonly DatasetHolder[]; indexed: boolean }): DatasetStatus {
  if (state.holders.length > 0) return 'read_only';
  return state.indexed ? 'ready' : 'partial_index';
}

// ---------------------------------------------------------------------------------------------
// The store on disk: its layout and the files the API reads. Paths are relative to TASKDECK_DATA.

/** `datasets/<id>/current` is a symlink to `versions/<version>`: swapping it commits atomically. */
export const STORE = {
  datasets: 'datasets',
  models: 'models',
  synthesis: 'synthesis',
  staging: 'staging',
  current: 'current',
  versions: 'versions',
  snapshots: 'snapshots',
  manifest: 'manifest.json',
  index: 'index.json',
  features: 'features.json',
  labels: 'labels.json',
  metadata: 'metadata.json',
  media: 'media',
  snapshotInfo: 'snapshot.json',
  model: 'model.json',
  metrics: 'metrics.json',
} as const;

export const datasetManifest = z.object({
  id: z.string(),
  name: z.string(),
  created_at: z.string(),
  updated_at: z.string(),
  /** True when index.json covers every media file. Media addition clears it, reindex sets it. */
  indexed: z.boolean(),
  media_count: z.number().int(),
  bytes: z.number().int(),
  /** The task that wrote this version, and the snapshot it was restored or cloned from. */
  last_task: z.string().nullable(),
  source_snapshot: z.string().nullable().default(null),
});
export type DatasetManifest = z.infer<typeof datasetManifest>;

export const mediaEntry = z.object({
  id: z.string(),
  file: z.string(),
  original_name: z.string(),
  mime: z.string(),
  size: z.number().int(),
  sha256: z.string(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
});
export type MediaEntry = z.infer<typeof mediaEntry>;

export const snapshotInfo = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  created_at: z.string(),
  task_id: z.string(),
  media_count: z.number().int(),
  indexed: z.boolean(),
});
export type SnapshotInfo = z.infer<typeof snapshotInfo>;

export const modelInfo = z.object({
  id: z.string(),
  name: z.string(),
  kind: z.string(),
  dataset_id: z.string().nullable(),
  created_at: z.string(),
  task_id: z.string(),
  metrics: z.record(z.string(), z.unknown()).default({}),
});
export type ModelInfo = z.infer<typeof modelInfo>;
