import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, realpath, rename, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { taskExecution } from './context';
import {
  STORE,
  modelInfo,
  type EvaluationInput,
  type ModelInfo,
  type ModelUploadInput,
  type SynthesisInput,
  type TrainingInput,
} from '../core';
import { createCommandActivities } from './command';
import type { ActivityDeps } from './deps';
import { evaluate, featureVector, train, type Example, type SoftmaxModel, type TrainingCheckpoint } from './store/classifier';
import { Store, readDataset, type DatasetVersion } from './store/datasets';
import { ensureFreeSpace, formatBytes, readJson, removeQuietly, writeJson } from './store/files';
import { encodePng } from './store/images';
import { stageSources, stagedFiles } from './store/ingest';
import { userError, withJob, withLog } from './store/job';

interface StoredModel extends ModelInfo {
  model?: SoftmaxModel;
}

/** Labelled items that have features, as training examples. */
function examples(version: DatasetVersion, classes?: string[]): { classes: string[]; examples: Example[] } {
  const labelled = Object.entries(version.labels).filter(([id]) => version.features[id]);
  const names = classes ?? [...new Set(labelled.map(([, l]) => l.label))].sort();
  return {
    classes: names,
    examples: labelled.filter(([, l]) => names.includes(l.label)).map(([id, l]) => ({ x: featureVector(version.features[id]), y: names.indexOf(l.label) })),
  };
}

const modelId = (name: string): string => `${name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'model'}-${randomBytes(3).toString('hex')}`;

/** Activities of the model task types: training, validation and evaluation, synthesis, upload. */
export function createModelActivities(deps: ActivityDeps) {
  const store = new Store(deps.dataRoot);
  const commands = createCommandActivities(deps);

  /** Models are built in the task's staging folder and renamed into `models/<id>` whole. */
  const publish = async (taskId: string, staged: string, info: StoredModel): Promise<ModelInfo> => {
    await writeJson(join(staged, STORE.model), info);
    await writeJson(join(staged, STORE.metrics), info.metrics);
    await mkdir(store.modelsDir(), { recursive: true });
    await rename(staged, join(store.modelsDir(), info.id));
    const { model: _weights, ...rest } = info;
    return rest;
  };

  const readModel = async (id: string): Promise<StoredModel> => {
    if (id.includes('/') || !(await stat(join(store.modelsDir(), id, STORE.model)).catch(() => undefined))) {
      throw userError(`There is no model ${id}; see GET /datasets/:id for the models`);
    }
    const card = await readJson(join(store.modelsDir(), id, STORE.model), modelInfo);
    const { model } = await readJson<{ model?: SoftmaxModel }>(join(store.modelsDir(), id, STORE.model));
    return { ...card, model };
  };

  return {
    /** Initializing step of training: enough labelled, enriched items of at least two classes. */
    async checkTrainingData(datasetId: string, input: TrainingInput): Promise<{ examples: number; classes: string[] }> {
      // A training command writes the task's log itself: only the dataset's own checks log here.
      const check = async (log?: { line(message: string): void }) => {
        const version = await readDataset(store, datasetId);
        if (input.command) return { examples: version.manifest.media_count, classes: [] };
        const data = examples(version);
        log?.line(`Dataset ${datasetId}: ${data.examples.length} labelled items with features, classes ${data.classes.join(', ') || 'none'}`);
        if (data.classes.length < 2) {
          throw userError(
            `Training needs labelled images with features of at least 2 classes; the dataset has ${data.examples.length} ` +
              `(classes: ${data.classes.join(', ') || 'none'}). Import labels with custom_metadata and run an enrichment first.`,
          );
        }
        return { examples: data.examples.length, classes: data.classes };
      };
      return input.command ? check() : withLog(deps, check);
    },

    /** Training: softmax regression on the features, or the user's command; stores the model and metrics. */
    async trainModel(datasetId: string, input: TrainingInput): Promise<ModelInfo> {
      const taskId = taskExecution().workflowId;
      const staged = join(store.stagingDir(taskId), 'model');
      await removeQuietly(staged);
      await mkdir(staged, { recursive: true });
      const version = await readDataset(store, datasetId);
      const id = modelId(input.model_name);
      const base = { id, name: input.model_name, dataset_id: datasetId, created_at: new Date().toISOString(), task_id: taskId };
      if (input.command) {
        await commands.prepareCommand({ command: input.command });
        await commands.runCommand({
          command: input.command,
          cwd: staged,
          env: { TASKDECK_DATASET_DIR: await realpath(version.dir), TASKDECK_MODEL_DIR: staged },
        });
        const metrics = await readJson<Record<string, unknown>>(join(staged, STORE.metrics), undefined, {});
        return publish(taskId, staged, { ...base, kind: 'command', metrics });
      }
      return withJob(deps, 'running', async (job) => {
        const data = examples(version);
        const resumed = job.resumed as TrainingCheckpoint | undefined;
        job.log(`Training a softmax classifier on ${data.examples.length} items of ${data.classes.length} classes: ${input.epochs} epochs, learning rate ${input.learning_rate}`);
        if (resumed) job.log('Resuming from the checkpoint of the interrupted attempt');
        // Every tenth of the epochs, and the last: enough to see the loss fall.
        const every = Math.max(1, Math.floor(input.epochs / 10));
        const { model, loss } = await train(
          data.classes,
          data.examples,
          input.epochs,
          input.learning_rate,
          async (epoch, current, checkpoint) => {
            job.checkpoint(checkpoint);
            if (epoch % every === 0 || epoch === input.epochs) job.log(`Epoch ${epoch}/${input.epochs}: loss ${current.toFixed(4)}`);
            await job.step(epoch, input.epochs, `Epoch ${epoch}/${input.epochs}, loss ${current.toFixed(4)}`);
          },
          resumed,
        );
        const { accuracy } = evaluate(model, data.examples);
        job.log(`Training accuracy ${(accuracy * 100).toFixed(1)}%; stored as model ${id}`);
        const metrics = { train_accuracy: accuracy, loss, epochs: input.epochs, examples: data.examples.length, classes: data.classes };
        return publish(taskId, staged, { ...base, kind: 'softmax', metrics, model });
      });
    },

    /** Validation and evaluation: the model's accuracy on the dataset's labelled items, stored with the model. */
    async evaluateModel(datasetId: string, input: EvaluationInput): Promise<Record<string, unknown>> {
      return withJob(deps, 'running', async (job) => {
        const stored = await readModel(input.model_id);
        if (!stored.model || stored.kind !== 'softmax') {
          throw userError(`Model ${input.model_id} is a ${stored.kind} model; only models trained by Taskdeck (softmax) can be validated here`);
        }
        const version = await readDataset(store, datasetId);
        const data = examples(version, stored.model.classes);
        if (data.examples.length === 0) throw userError(`Dataset ${datasetId} has no labelled, enriched items of the model's classes (${stored.model.classes.join(', ')})`);
        await job.step(1, 2, `Evaluating on ${data.examples.length} items`);
        const metrics = { ...evaluate(stored.model, data.examples), model_id: input.model_id, dataset_id: datasetId, task_id: job.taskId, at: new Date().toISOString() };
        const dir = join(store.modelsDir(), input.model_id, 'evaluations');
        await mkdir(dir, { recursive: true });
        await writeJson(join(dir, `${encodeURIComponent(job.taskId)}.json`), metrics);
        job.log(`Model ${input.model_id} on ${data.examples.length} items of dataset ${datasetId}: accuracy ${(metrics.accuracy * 100).toFixed(1)}%`);
        await job.step(2, 2, `Accuracy ${(metrics.accuracy * 100).toFixed(1)}%`);
        return metrics;
      });
    },

    /** Synthesis: images drawn from the colour statistics of each label (or of all items). */
    async synthesize(datasetId: string, input: SynthesisInput): Promise<{ folder: string; images: string[] }> {
      return withJob(deps, 'running', async (job) => {
        const version = await readDataset(store, datasetId);
        const colours = Object.entries(version.features).map(([id, f]) => ({ label: version.labels[id]?.label ?? 'unlabelled', colour: f.mean_color }));
        if (colours.length === 0) throw userError('The dataset has no features to synthesize from; run an enrichment first');
        await ensureFreeSpace(store.root, input.count * input.size * input.size * 4, deps.minFreeBytes);
        const staged = join(store.stagingDir(job.taskId), 'synthesis');
        // A retry after a lost worker keeps the images already written and goes on from there.
        const done = (job.resumed as { images?: number } | undefined)?.images ?? 0;
        if (done === 0) await removeQuietly(staged);
        await mkdir(staged, { recursive: true });
        const random = mulberry32(input.seed);
        const images: string[] = [];
        job.log(`Drawing ${input.count} images of ${input.size}×${input.size} from the colours of ${colours.length} items (seed ${input.seed})${done ? `; ${done} kept from the interrupted attempt` : ''}`);
        for (let i = 0; i < input.count; i++) {
          const source = colours[Math.floor(random() * colours.length)];
          const name = `${String(i).padStart(4, '0')}-${source.label.replace(/[^a-zA-Z0-9_-]/g, '_')}.png`;
          images.push(name);
          if (i < done && (await stat(join(staged, name)).then(() => true, () => false))) {
            // Draw what this image drew, so the images after it come out as on a first attempt.
            for (let k = 0; k < input.size * input.size * 3; k++) random();
            continue;
          }
          const noise = (c: number): number => Math.max(0, Math.min(255, Math.round(c + (random() - 0.5) * 24)));
          await writeFile(join(staged, name), encodePng(input.size, input.size, () => [noise(source.colour[0]), noise(source.colour[1]), noise(source.colour[2])]));
          job.checkpoint({ images: i + 1 });
          job.log(`Wrote ${name}`);
          await job.step(i + 1, input.count, `Generated ${i + 1}/${input.count} images`);
        }
        await writeJson(join(staged, STORE.manifest), { dataset_id: datasetId, task_id: job.taskId, seed: input.seed, images });
        const folder = join(store.root, STORE.synthesis, encodeURIComponent(job.taskId));
        await mkdir(join(store.root, STORE.synthesis), { recursive: true });
        await removeQuietly(folder);
        await rename(staged, folder);
        job.log(`${images.length} images in ${folder}`);
        return { folder, images };
      });
    },

    /** Initializing step of model upload: free space, downloads. */
    async stageModel(input: ModelUploadInput): Promise<{ files: number; bytes: number }> {
      return withJob(deps, 'initializing', async (job) => {
        const info = input.path ? await stat(input.path).catch(() => undefined) : undefined;
        if (input.path && !info) throw userError(`${input.path} does not exist on the worker`);
        const sources = info?.isDirectory() ? { folder: input.path, urls: input.urls } : { file: input.path, urls: input.urls };
        return stageSources(job, sources, store.stagingDir(job.taskId), deps.minFreeBytes, 'any');
      });
    },

    async storeModel(input: ModelUploadInput): Promise<ModelInfo> {
      return withJob(deps, 'running', async (job) => {
        const files = await stagedFiles(store.stagingDir(job.taskId));
        const staged = join(store.stagingDir(job.taskId), 'model');
        await mkdir(join(staged, 'files'), { recursive: true });
        for (const [i, file] of files.entries()) {
          await copyFile(file.path, join(staged, 'files', file.name));
          job.log(`Stored ${file.name} (${formatBytes(file.size)})`);
          await job.step(i + 1, files.length, `Stored ${i + 1}/${files.length} files`);
        }
        const bytes = files.reduce((sum, f) => sum + f.size, 0);
        const info: StoredModel = {
          id: modelId(input.name),
          name: input.name,
          kind: 'uploaded',
          dataset_id: null,
          created_at: new Date().toISOString(),
          task_id: job.taskId,
          metrics: { files: files.map((f) => f.name), bytes },
        };
        return publish(job.taskId, staged, info);
      });
    },
  };
}

/** A small seeded PRNG, so the same seed gives the same synthetic images. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

