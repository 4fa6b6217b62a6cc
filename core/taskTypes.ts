import { z } from 'zod';

import { datasetId, type DatasetAccess } from './datasets';

/**
 * The task-type catalog. A task type is a Temporal workflow of the same name; this entry is
 * what the API validates starts against, what `GET /task-types` serves to the UI's form, and
 * what the concurrency rules read (`access`, `resource`).
 */
export interface TaskTypeDefinition<Input extends z.ZodType = z.ZodType> {
  id: string;
  label: string;
  description: string;
  input: Input;
  /** How the task uses its dataset (`dataset_id`); see core/datasets.ts for the rules. */
  access: DatasetAccess;
  /**
   * `existing`: the task needs `dataset_id` of an existing dataset; `new`: it creates the
   * dataset `dataset_id` (the API picks an ID when none is given); `none`: no dataset.
   */
  dataset: 'existing' | 'new' | 'none';
  /** `gpu` tasks run one at a time on their own task queue and wait in pending; `cpu` tasks run side by side. */
  resource: 'cpu' | 'gpu';
  /** Another name of the same operation (one seed's name for another's), when this is an alias. */
  aliasOf?: string;
}

const path = z.string().trim().min(1);
const httpUrl = z
  .string()
  .trim()
  // One message a URL: one that is not http(s) at all is not also told about its host.
  .regex(/^https?:\/\/\S+$/i, { message: 'must be an http(s) URL', abort: true })
  .refine(hasHostName, 'must be an http(s) URL with a host: a domain name, an IP address, or a plain ASCII name like minio');

/**
 * A host a download can reach: an IP address, a domain name (an internationalised one too, but
 * then with its top-level domain), or a single ASCII label (a service on the local network).
 * `https://Ⱥµ7` parses, but names nothing any resolver knows: refused at submit, not after three
 * failed downloads.
 */
function hasHostName(value: string): boolean {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  const host = url.hostname;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[')) return true;
  const labels = host.split('.');
  if (!labels.every((label) => /^[a-z0-9_]([a-z0-9_-]*[a-z0-9])?$/.test(label))) return false;
  const typed = value.slice(value.indexOf('//') + 2).split(/[/:?#]/)[0];
  if (labels.length === 1) return /^[\x21-\x7e]+$/.test(typed);
  return /^([a-z]{2,}|xn--[a-z0-9-]+)$/.test(labels.at(-1)!);
}

/** Text a process receives: the operating system ends a C string at a NUL, so none may be in it. */
const NO_NUL = /^[^\0]*$/;
const noNul = (what: string) => `${what} must not contain a NUL character`;

/** Where media comes from: a local folder, URLs, or both. */
const mediaSource = {
  folder: path.optional().describe('Local folder on the worker whose files are ingested (not recursive)'),
  urls: z.array(httpUrl).max(1000).optional().describe('http(s) URLs of media files to download'),
};
const needsSource = (v: { folder?: string; urls?: string[] }): boolean => Boolean(v.folder || v.urls?.length);
const sourceMessage = { message: 'give a folder or at least one URL', path: ['folder'] };
/**
 * Rules across fields, said in JSON Schema too: the refinements below are code, which the
 * OpenAPI document and the form could not read otherwise.
 */
const folderOrUrls = { anyOf: [{ required: ['folder'] }, { required: ['urls'], properties: { urls: { minItems: 1 } } }] };

export const ingestInput = z.object(mediaSource).strict().refine(needsSource, sourceMessage).meta(folderOrUrls);
export type IngestInput = z.infer<typeof ingestInput>;

export const mediaAdditionInput = z
  .object({
    ...mediaSource,
    reindex: z
      .boolean()
      .default(true)
      .describe('Start a reindex when the media is added; without it the dataset stays in Partial Index'),
  })
  .strict()
  .refine(needsSource, sourceMessage)
  .meta(folderOrUrls);
export type MediaAdditionInput = z.infer<typeof mediaAdditionInput>;

export const emptyInput = z.object({}).strict();
export type EmptyInput = z.infer<typeof emptyInput>;

export const labelPropagationInput = z
  .object({
    max_distance: z
      .number()
      .int()
      .min(0)
      .max(64)
      .default(8)
      .describe('Largest perceptual-hash distance (bits of 64) at which an item counts as a near-duplicate'),
    overwrite: z.boolean().default(false).describe('Replace labels that items already have'),
  })
  .strict();
export type LabelPropagationInput = z.infer<typeof labelPropagationInput>;

export const customMetadataInput = z
  .object({
    file: path.optional().describe('Local CSV or JSON file on the worker'),
    url: httpUrl.optional().describe('http(s) URL of a CSV or JSON file'),
    format: z.enum(['csv', 'json']).optional().describe('File format; by default from the file name, else csv'),
  })
  .strict()
  .refine((v) => Boolean(v.file) !== Boolean(v.url), { message: 'give exactly one of file or url', path: ['file'] })
  .meta({ oneOf: [{ required: ['file'] }, { required: ['url'] }] });
export type CustomMetadataInput = z.infer<typeof customMetadataInput>;

export const snapshotCreateInput = z
  .object({
    name: z.string().trim().min(1).max(200).optional().describe('Name of the snapshot; by default its creation time'),
    description: z.string().max(2000).optional().describe('What this snapshot captures'),
  })
  .strict();
export type SnapshotCreateInput = z.infer<typeof snapshotCreateInput>;

const snapshotId = z.string().trim().min(1).max(200).describe('ID of a snapshot of the dataset (see GET /datasets/:id)');

export const snapshotRestoreInput = z.object({ snapshot_id: snapshotId }).strict();
export type SnapshotRestoreInput = z.infer<typeof snapshotRestoreInput>;

export const snapshotCloneInput = z
  .object({
    snapshot_id: snapshotId,
    new_dataset_id: datasetId.describe('ID of the new dataset'),
    new_name: z.string().trim().min(1).max(200).optional().describe('Name of the new dataset; by default the ID'),
  })
  .strict();
export type SnapshotCloneInput = z.infer<typeof snapshotCloneInput>;

export const trainingInput = z
  .object({
    model_name: z.string().trim().min(1).max(200).default('classifier').describe('Name of the model to store'),
    epochs: z.number().int().min(1).max(10_000).default(200).describe('Passes of gradient descent over the labelled items'),
    learning_rate: z.number().positive().max(10).default(0.5).describe('Step size of gradient descent'),
    command: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe(
        'Train with your own command instead (run with /bin/sh -c in the model folder, $TASKDECK_DATASET_DIR set); ' +
          'it reports progress with `PROGRESS <0-100> [message]` lines and may write metrics.json',
      ),
  })
  .strict();
export type TrainingInput = z.infer<typeof trainingInput>;

export const evaluationInput = z
  .object({ model_id: z.string().trim().min(1).max(200).describe('ID of a stored model (see GET /datasets/:id)') })
  .strict();
export type EvaluationInput = z.infer<typeof evaluationInput>;

export const synthesisInput = z
  .object({
    count: z.number().int().min(1).max(1000).default(8).describe('Number of synthetic images to generate'),
    size: z.number().int().min(4).max(512).default(32).describe('Width and height of each image, in pixels'),
    seed: z.number().int().min(0).default(1).describe('Random seed: the same seed gives the same images'),
  })
  .strict();
export type SynthesisInput = z.infer<typeof synthesisInput>;

export const modelUploadInput = z
  .object({
    name: z.string().trim().min(1).max(200).describe('Name of the model'),
    path: path.optional().describe('Local model file or folder on the worker'),
    urls: z.array(httpUrl).max(100).optional().describe('http(s) URLs of the model files'),
  })
  .strict()
  .refine((v) => Boolean(v.path || v.urls?.length), { message: 'give a path or at least one URL', path: ['path'] })
  .meta({ anyOf: [{ required: ['path'] }, { required: ['urls'], properties: { urls: { minItems: 1 } } }] });
export type ModelUploadInput = z.infer<typeof modelUploadInput>;

export const commandInput = z
  .object({
    command: z.string().trim().min(1, 'command must not be empty').regex(NO_NUL, noNul('command')).describe('Shell command, run with /bin/sh -c'),
    cwd: z.string().min(1).regex(NO_NUL, noNul('cwd')).optional().describe('Working directory; it must exist'),
    env: z
      .record(
        z.string().regex(/^[^=\0]+$/, 'an environment variable name is not empty and has no = or NUL character'),
        z.string().regex(NO_NUL, noNul('an environment variable')),
      )
      .optional()
      .describe('Extra environment variables'),
    timeout_seconds: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 3600)
      .optional()
      .describe('Kill the command after this many seconds'),
  })
  .strict();
export type CommandInput = z.infer<typeof commandInput>;

export const TASK_TYPES = {
  command: {
    id: 'command',
    label: 'Command',
    description:
      'Runs a shell command with its own working directory, environment and timeout. ' +
      'Progress comes from its output: `PROGRESS <0-100> [message]` lines or tqdm-style `NN%|` bars.',
    input: commandInput,
    access: 'none',
    dataset: 'none',
    resource: 'cpu',
  },
  dataset_creation: {
    id: 'dataset_creation',
    label: 'Dataset Creation',
    description: 'Creates a dataset from a local folder or URLs: checks free space and each file\'s type by its content, stores the media and builds the index.',
    input: ingestInput,
    access: 'write',
    dataset: 'new',
    resource: 'gpu',
  },
  dataset_upload: {
    id: 'dataset_upload',
    label: 'Dataset Upload',
    description: 'Vectorize\'s name for Dataset Creation: uploads media from a local folder or URLs into a new dataset.',
    input: ingestInput,
    access: 'write',
    dataset: 'new',
    resource: 'gpu',
    aliasOf: 'dataset_creation',
  },
  media_addition: {
    id: 'media_addition',
    label: 'Media Addition',
    description: 'Adds media from a local folder or URLs to a dataset, which is then in Partial Index until a reindex (started automatically by default) completes.',
    input: mediaAdditionInput,
    access: 'write',
    dataset: 'existing',
    resource: 'cpu',
  },
  reindex: {
    id: 'reindex',
    label: 'Reindex',
    description: 'Rebuilds the dataset\'s media index (size, hash, type, image dimensions) so it covers every item.',
    input: emptyInput,
    access: 'write',
    dataset: 'existing',
    resource: 'cpu',
  },
  enrichment: {
    id: 'enrichment',
    label: 'Enrichment',
    description: 'Computes features of every image: a 64-bit perceptual hash and the mean colour.',
    input: emptyInput,
    access: 'write_indexed',
    dataset: 'existing',
    resource: 'cpu',
  },
  label_propagation: {
    id: 'label_propagation',
    label: 'Label Propagation',
    description: 'Copies labels to near-duplicate images (perceptual hashes within a distance); needs enrichment first.',
    input: labelPropagationInput,
    access: 'write_indexed',
    dataset: 'existing',
    resource: 'cpu',
  },
  custom_metadata: {
    id: 'custom_metadata',
    label: 'Custom Metadata',
    description: 'Imports metadata from a CSV (header row, a `file` column naming the media) or a JSON file (an array of objects with `file`). A `label` field sets the item\'s label.',
    input: customMetadataInput,
    access: 'write_indexed',
    dataset: 'existing',
    resource: 'cpu',
  },
  snapshot_create: {
    id: 'snapshot_create',
    label: 'Snapshot Create',
    description: 'Captures the dataset as it is now in the Snapshot Catalog.',
    input: snapshotCreateInput,
    access: 'write',
    dataset: 'existing',
    resource: 'cpu',
  },
  snapshot_restore: {
    id: 'snapshot_restore',
    label: 'Snapshot Restore',
    description: 'Rolls the dataset back to a snapshot, all or nothing.',
    input: snapshotRestoreInput,
    access: 'write',
    dataset: 'existing',
    resource: 'cpu',
  },
  snapshot_clone: {
    id: 'snapshot_clone',
    label: 'Snapshot Clone',
    description: 'Creates a new, independent dataset from a snapshot.',
    input: snapshotCloneInput,
    access: 'write',
    dataset: 'existing',
    resource: 'cpu',
  },
  model_training: {
    id: 'model_training',
    label: 'Model Training',
    description: 'Trains a classifier on the dataset\'s labelled image features (or runs your training command) and stores the model and its metrics.',
    input: trainingInput,
    access: 'read',
    dataset: 'existing',
    resource: 'gpu',
  },
  training: {
    id: 'training',
    label: 'Training',
    description: 'Vectorize\'s name for Model Training.',
    input: trainingInput,
    access: 'read',
    dataset: 'existing',
    resource: 'gpu',
    aliasOf: 'model_training',
  },
  model_validation: {
    id: 'model_validation',
    label: 'Model Validation',
    description: 'Validates a stored model against the dataset\'s labelled items: accuracy, per-class accuracy, confusion matrix.',
    input: evaluationInput,
    access: 'read',
    dataset: 'existing',
    resource: 'cpu',
  },
  evaluation: {
    id: 'evaluation',
    label: 'Evaluation',
    description: 'Vectorize\'s name for Model Validation.',
    input: evaluationInput,
    access: 'read',
    dataset: 'existing',
    resource: 'cpu',
    aliasOf: 'model_validation',
  },
  synthesis: {
    id: 'synthesis',
    label: 'Synthesis',
    description: 'Generates synthetic PNG images from the colour statistics of the dataset\'s labelled items.',
    input: synthesisInput,
    access: 'read',
    dataset: 'existing',
    resource: 'cpu',
  },
  model_upload: {
    id: 'model_upload',
    label: 'Model Upload',
    description: 'Uploads a model (a local file or folder, or URLs) into the model store.',
    input: modelUploadInput,
    access: 'none',
    dataset: 'none',
    resource: 'cpu',
  },
  // The README's worked example of a plugin type: see "Adding a task type".
  auto_labeling: {
    id: 'auto_labeling',
    label: 'Auto Labeling',
    description: 'Enrichment followed by label propagation, in one task.',
    input: labelPropagationInput,
    access: 'write_indexed',
    dataset: 'existing',
    resource: 'cpu',
  },
} as const satisfies Record<string, TaskTypeDefinition>;

export type TaskTypeId = keyof typeof TASK_TYPES;
export const TASK_TYPE_IDS = Object.keys(TASK_TYPES) as TaskTypeId[];

export function isTaskTypeId(value: string): value is TaskTypeId {
  return Object.prototype.hasOwnProperty.call(TASK_TYPES, value);
}
