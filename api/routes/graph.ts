import { buildTaskGraph } from '../../core';
import { HttpError } from '../errors';
import type { Handlers } from '../router';
import type { TaskIndex } from '../taskIndex';
import { present } from '../taskRecord';

/** The dependency graph, computed from the task index: no visibility call per request, and only the scope's rows read. */
export function graphHandlers(index: TaskIndex): Pick<Handlers, 'getGraph'> {
  return {
    getGraph: async ({ query: scope }) => {
      await index.whenReady();
      const now = Date.now();
      if (scope.task !== undefined && !index.get(scope.task)) {
        throw new HttpError(404, `Task ${scope.task} not found in the 14-day window`, 'task');
      }
      const pipelineOf = (id: string) => index.pipeline(id);
      return { status: 200, body: buildTaskGraph(index.graphTasks(scope).map((record) => present(record, now)), scope, now, { pipelineOf }) };
    },
  };
}
