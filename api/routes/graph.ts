import { setImmediate as nextTurn } from 'node:timers/promises';
import { taskGraphSteps, type GraphScope, type TaskGraphParts } from '../../core';
import { HttpError } from '../errors';
import { sendJsonPieces } from '../jsonStream';
import { STREAMED, type Handlers } from '../router';
import type { TaskIndex } from '../taskIndex';

/**
 * The dependency graph, computed from the task index: no visibility call per request, and only the
 * scope's rows read. Its rows, edges and critical path are made in steps with other requests
 * between them, and its nodes (what blocks each) and the text of the answer as the answer is
 * written, a few milliseconds at a time: built whole and sent with one JSON.stringify, a graph of
 * 50,000 tasks held every other request of the API for seconds (docs/performance.md, row 11).
 */
export function graphHandlers(index: TaskIndex): Pick<Handlers, 'getGraph'> {
  return {
    getGraph: async ({ query: scope, req, res }) => {
      await index.whenReady();
      const now = Date.now();
      if (scope.task !== undefined && !index.get(scope.task)) {
        throw new HttpError(404, `Task ${scope.task} not found in the 14-day window`, 'task');
      }
      // A client that went away meanwhile stops the work (and frees the index's rows).
      const graph = await inTurns(graphSteps(index, scope, now), () => res.destroyed);
      if (graph) await sendJsonPieces(req, res, 200, graphJson(graph));
      return STREAMED;
    },
  };
}

function* graphSteps(index: TaskIndex, scope: GraphScope, now: number): Generator<void, TaskGraphParts> {
  const tasks = yield* index.graphTaskSteps(scope, now);
  yield;
  return yield* taskGraphSteps(tasks, scope, now, { pipelineOf: (id) => index.pipeline(id) });
}

/** Runs the steps, each in a turn of the event loop of its own, until they end or `stop` says so (undefined then). */
async function inTurns<T>(steps: Generator<void, T>, stop: () => boolean): Promise<T | undefined> {
  try {
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await nextTurn();
      if (stop()) return undefined;
    }
  } finally {
    steps.return(undefined as T);
  }
}

/** The text of `GET /graph`'s answer, node by node and edge by edge: JSON.stringify of the whole graph, in pieces. */
export function* graphJson(graph: TaskGraphParts): Generator<string> {
  yield '{"nodes":[';
  for (let i = 0; i < graph.members.length; i++) yield (i === 0 ? '' : ',') + JSON.stringify(graph.node(graph.members[i]));
  yield '],"edges":[';
  for (let i = 0; i < graph.edges.length; i++) yield (i === 0 ? '' : ',') + JSON.stringify(graph.edges[i]);
  yield `],"groups":${JSON.stringify(graph.groups)},"critical_path":${JSON.stringify(graph.critical_path)},"truncated":${graph.truncated}}`;
}
