import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Connection } from '@temporalio/client';
import express, { type Express } from 'express';
import { errorHandler, HttpError } from './errors';
import type { DatasetStore } from './datasetStore';
import type { EventHub } from './eventHub';
import type { LogStore } from './logStore';
import { datasetsRouter } from './routes/datasets';
import { logsRouter } from './routes/logs';
import { metaRouter } from './routes/meta';
import { tasksRouter } from './routes/tasks';
import type { TaskIndex } from './taskIndex';
import type { TaskService } from './taskService';

export interface AppDeps {
  connection: Connection;
  index: TaskIndex;
  service: TaskService;
  hub: EventHub;
  logs: LogStore;
  datasets: DatasetStore;
  /** Built web app to serve, if present. */
  webDir?: string;
}

export const DEFAULT_WEB_DIR = resolve(__dirname, '../web/dist');

/** Builds the Express app; `index.ts` listens. Tests build it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  app.use(express.json({ limit: '1mb' }));

  app.use(tasksRouter(deps.index, deps.service));
  app.use(logsRouter(deps.index, deps.service, deps.logs));
  app.use(metaRouter(deps.index, deps.hub, deps.connection));
  app.use(datasetsRouter(deps.index, deps.service, deps.datasets));

  const webDir = deps.webDir ?? DEFAULT_WEB_DIR;
  if (existsSync(resolve(webDir, 'index.html'))) {
    app.use(express.static(webDir));
    // Client-side routes of the web app load its shell; API routes above answered JSON first.
    app.get(/.*/, (req, res, next) => (req.accepts('html') ? res.sendFile(resolve(webDir, 'index.html')) : next()));
  }

  app.use((req) => {
    throw new HttpError(404, `No route ${req.method} ${req.path}`);
  });
  app.use(errorHandler);
  return app;
}
