import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ConnectionLike } from '@temporalio/client';
import type { PayloadCodec } from '@temporalio/common';
import express, { type Express, type RequestHandler } from 'express';
import type { FailureLimit, Tokens } from './auth';
import type { BatchService } from './batchService';
import type { DatasetStore } from './datasetStore';
import { errorHandler, HttpError } from './errors';
import type { EventHub } from './eventHub';
import type { LogStore } from './logStore';
import type { PipelineService } from './pipelineService';
import type { ScheduleService } from './scheduleService';
import { contractRouter } from './router';
import { batchHandlers } from './routes/batches';
import { codecHandlers } from './routes/codec';
import { datasetHandlers } from './routes/datasets';
import { graphHandlers } from './routes/graph';
import { logHandlers } from './routes/logs';
import { metaHandlers } from './routes/meta';
import { nodeHandlers } from './routes/nodes';
import { pipelineHandlers } from './routes/pipelines';
import { scheduleHandlers } from './routes/schedules';
import { taskHandlers } from './routes/tasks';
import type { TaskIndex } from './taskIndex';
import type { TaskService } from './taskService';

export interface AppDeps {
  connection: ConnectionLike;
  index: TaskIndex;
  service: TaskService;
  batches: BatchService;
  pipelines: PipelineService;
  schedules: ScheduleService;
  hub: EventHub;
  logs: LogStore;
  datasets: DatasetStore;
  /** Built web app to serve, if present. */
  webDir?: string;
  /** API tokens; undefined turns authentication off. */
  auth?: Tokens;
  /** Failed authentications per client address and window before 429s (with authentication on). */
  authFailures: FailureLimit;
  /** Express's `trust proxy`, so the limit counts the client's address behind a reverse proxy. */
  trustProxy?: boolean | number | string;
  /** The codec of the API's client, for the remote codec endpoint. */
  codec: PayloadCodec;
}

export const DEFAULT_WEB_DIR = resolve(__dirname, '../web/dist');

/** Where the web app's pages live; every other path is the API's. */
export const UI_BASE = '/ui';

/**
 * Pages of the web app before it moved under /ui, when page and API shared a URL and the Accept
 * header chose between them. A browser opening such a link is sent to the page; any other client
 * gets the API, as everywhere else.
 */
const OLD_PAGES = /^\/(tasks\/[^/]+|graph|batches\/[^/]+|approvals|submit|sign-in)$/;

/** Builds the Express app; `index.ts` listens. Tests build it in-process. */
export function createApp(deps: AppDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', 'simple');
  if (deps.trustProxy !== undefined) app.set('trust proxy', deps.trustProxy);

  const webDir = deps.webDir ?? DEFAULT_WEB_DIR;
  const shell = resolve(webDir, 'index.html');
  if (existsSync(shell)) {
    app.get('/', (req, res) => res.redirect(302, `${UI_BASE}/${search(req.originalUrl)}`));
    app.get(OLD_PAGES, oldPageRedirect);
    // The web app's files and pages carry no data, so they load without a token: the app itself
    // asks for one when the API answers 401.
    app.use(UI_BASE, express.static(webDir, { index: false }));
    app.get([UI_BASE, `${UI_BASE}/{*page}`], (_req, res) => res.sendFile(shell));
  }

  app.use(
    contractRouter(
      {
        ...taskHandlers(deps.index, deps.service),
        ...batchHandlers(deps.batches),
        ...logHandlers(deps.index, deps.service, deps.logs),
        ...metaHandlers(deps.index, deps.service, deps.hub, deps.connection, deps.auth !== undefined),
        ...datasetHandlers(deps.index, deps.service, deps.datasets),
        ...graphHandlers(deps.index),
        ...pipelineHandlers(deps.pipelines),
        ...codecHandlers(deps.codec),
        ...scheduleHandlers(deps.schedules),
        ...nodeHandlers(deps.service),
      },
      deps.auth,
      deps.authFailures,
    ),
  );

  app.use((req) => {
    throw new HttpError(404, `No route ${req.method} ${req.path}`);
  });
  app.use(errorHandler);
  return app;
}

/** A browser navigation (not a fetch, an EventSource or curl) to an old page address. */
const oldPageRedirect: RequestHandler = (req, res, next) => {
  if (req.get('sec-fetch-dest') !== 'document') return next();
  res.redirect(302, `${UI_BASE}${req.path}${search(req.originalUrl)}`);
};

function search(url: string): string {
  const at = url.indexOf('?');
  return at < 0 ? '' : url.slice(at);
}
