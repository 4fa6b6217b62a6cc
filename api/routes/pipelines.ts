import type { PipelineService } from '../pipelineService';
import type { Handlers } from '../router';

/** Pipelines: named sets of tasks with edges, run as a parent workflow of the task workflows. */
export function pipelineHandlers(pipelines: PipelineService): Pick<Handlers, 'startPipeline' | 'listPipelines' | 'getPipeline' | 'abortPipeline'> {
  return {
    startPipeline: async ({ body, principal }) => {
      const pipeline = await pipelines.start(body, principal);
      return { status: 201, body: pipeline, headers: { Location: `/pipelines/${encodeURIComponent(pipeline.id)}` } };
    },
    listPipelines: async () => ({ status: 200, body: await pipelines.list() }),
    getPipeline: async ({ params }) => ({ status: 200, body: await pipelines.detail(params.id) }),
    abortPipeline: async ({ params, principal }) => ({ status: 202, body: { ...(await pipelines.abort(params.id, principal)), abort_requested: true } }),
  };
}
