import { DATASET_STATUS_LABEL } from '../../core';
import type { TaskRecord } from '../../core/contract';
import type { DatasetStore, DatasetSummary } from '../datasetStore';
import { conflict, notFound } from '../errors';
import type { Handlers } from '../router';
import type { TaskIndex } from '../taskIndex';
import { present } from '../taskRecord';
import type { TaskService } from '../taskService';

function datasetTasks(index: TaskIndex, id: string): TaskRecord[] {
  return index
    .group('dataset_id', id)
    .sort((a, b) => b.created_at.localeCompare(a.created_at))
    .map((t) => present(t));
}

function withLabel(summary: DatasetSummary) {
  return { ...summary, status_label: DATASET_STATUS_LABEL[summary.status] };
}

export function datasetHandlers(index: TaskIndex, service: TaskService, datasets: DatasetStore): Pick<Handlers, 'listDatasets' | 'getDataset' | 'retryEnrichment'> {
  return {
    listDatasets: async () => {
      await index.whenReady();
      const summaries = await Promise.all((await datasets.ids()).map((id) => datasets.summary(id)));
      return {
        status: 200,
        body: summaries.filter((s): s is DatasetSummary => s !== undefined).map((s) => ({ ...withLabel(s), tasks: datasetTasks(index, s.id).slice(0, 20) })),
      };
    },
    getDataset: async ({ params: { id } }) => {
      await index.whenReady();
      const summary = await datasets.summary(id);
      if (!summary) throw notFound(`Dataset ${id}`);
      return {
        status: 200,
        body: { ...withLabel(summary), tasks: datasetTasks(index, id), snapshots: await datasets.snapshots(id), models: await datasets.models(id) },
      };
    },
    /** "Failed enrichment tasks can be retried from the enrichment panel for that dataset." */
    retryEnrichment: async ({ params: { id }, principal }) => {
      await index.whenReady();
      if (!(await datasets.manifest(id))) throw notFound(`Dataset ${id}`);
      const last = datasetTasks(index, id).find((t) => t.task_type === 'enrichment');
      if (!last) throw notFound(`An enrichment task of dataset ${id}`);
      // The index may lag a moment behind; the task's own state decides.
      const { status } = await service.record(last.id);
      if (status !== 'failed' && status !== 'aborted') {
        throw conflict(`The last enrichment of dataset ${id} (${last.id}) is ${status}; only a failed or aborted one is retried`, { task: last.id });
      }
      const record = await service.retry(last.id, principal);
      return { status: 201, body: record, headers: { Location: `/tasks/${encodeURIComponent(record.id)}` } };
    },
  };
}
