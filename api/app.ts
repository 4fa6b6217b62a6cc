import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionLike } from '@temporalio/client';
import express, { type Express } from 'express';
import type { Principal } from '../core';
import { authenticate } from './auth';
import type { BatchService } from './batchService';
import { errorHandler, HttpError } from './errors';
import type { DatasetStore } from './datasetStore';
import type { EventHub } from './eventHub';
import type { LogStore } from './logStore';
import type { PipelineService } from './pipelineService';
import { batchesRouter } from './routes/batches';
import { datasetsRouter } from './routes/datasets';
import { graphRouter } from './routes/graph';
import { pipelinesRouter } from './routes/pipelines';
import { logsRouter } from './routes/logs';
import { metaRouter } from './routes/meta';
import { tasksRouter } from './routes/tasks';
import type { TaskIndex } from './taskIndex';
import type { TaskService } from './taskService';

export interface AppDeps {
  connection: ConnectionLike;
  index: TaskIndex;
  service: TaskService;
  batches: BatchService;
  pipelines: PipelineService;
  hub: EventHub;
  logs: LogStore;
  datasets: DatasetStore;
  /** Built web app to serve, if present. */
  webDir?: string;
  /** API tokens; undefined turns authentication off. */
  auth?: ReadonlyMap<string, Principal>;
}

/** Paths of the API; a browser navigation to any other path loads the web app. */
const API_PATHS = /^\/(tasks|datasets|batches|approvals|graph|pipelines|events|openapi\.json|task-types|config|healthz|me)(\/|$)/;
/** Pages of the web app whose path is also an API route: a navigation (preferring HTML) gets the app. */
const SHARED_PAGES = /^\/(tasks\/[^/]+|approvals|batches\/[^/]+|graph)$/;

export const DEFAULT_WEB_DIR = resolve(__dirname, '../web/dist');

/** Builds the Express app; `index.ts` listens. Tests build it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '1mb' }));

  const webDir = deps.webDir ?? DEFAULT_WEB_DIR;
  const shell = resolve(webDir, 'index.html');
  const hasWeb = existsSync(shell);
  if (hasWeb) {
    // The web app's files and pages carry no data, so they load without a token: the app
    // itself asks for one when the API answers 401. `/tasks/:id` is both the API's task and the
    // web app's task page: a browser navigation (which prefers HTML) gets the app, a client
    // asking for JSON gets the task.
    app.use(express.static(webDir));
    app.get(/.*/, (req, res, next) => {
      const page = SHARED_PAGES.test(req.path) ? req.accepts(['json', 'html']) === 'html' : !API_PATHS.test(req.path) && req.accepts('html');
      return page ? res.sendFile(shell) : next();
    });
  }

  app.use(authenticate(deps.auth));
  app.use(batchesRouter(deps.batches));
  app.use(tasksRouter(deps.index, deps.service));
  app.use(logsRouter(deps.index, deps.service, deps.logs));
  app.use(metaRouter(deps.index, deps.service, deps.hub, deps.connection));
  app.use(datasetsRouter(deps.index, deps.service, deps.datasets));
  app.use(graphRouter(deps.index));
  app.use(pipelinesRouter(deps.pipelines));

  app.use((req) => {
    throw new HttpError(404, `No route ${req.method} ${req.path}`);
  });
  app.use(errorHandler);
  return app;
}
