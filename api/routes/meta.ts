import type { ConnectionLike } from '@temporalio/client';
import { openApiDocument, taskTypeCatalog } from '../../core/contract';
import type { EventHub } from '../eventHub';
import { STREAMED, type Handlers } from '../router';
import type { TaskIndex } from '../taskIndex';
import type { TaskService } from '../taskService';

export function metaHandlers(
  index: TaskIndex,
  service: TaskService,
  hub: EventHub,
  connection: ConnectionLike,
  auth: boolean,
): Pick<Handlers, 'openapi' | 'taskTypes' | 'config' | 'me' | 'events' | 'health'> {
  const document = openApiDocument({ auth });
  return {
    openapi: () => ({ status: 200, body: document }),
    taskTypes: async () => {
      await index.whenReady();
      return { status: 200, body: taskTypeCatalog(index.taskTypes()) };
    },
    // What the web app needs to know of this deployment.
    config: () => ({ status: 200, body: { temporal_ui_workflow_url: service.temporalUiTemplate } }),
    // Who the token signs in; the web app shows it and decides which actions to offer.
    me: ({ principal }) => ({ status: 200, body: { auth: Boolean(principal), user: principal?.user ?? null, role: principal?.role ?? null } }),
    events: ({ req, res }) => {
      hub.connect(req, res);
      return STREAMED;
    },
    health: async () => {
      const temporal = await connection.workflowService.getSystemInfo({}).then(
        () => 'ok',
        (err: Error) => err.message,
      );
      const healthy = temporal === 'ok';
      return {
        status: healthy ? 200 : 503,
        body: {
          ok: healthy,
          temporal,
          index: { tasks: index.size, ...index.stats },
          event_clients: hub.clientCount,
          // What this API process holds: the index of the window, and the event streams.
          memory_mb: memoryMb(),
        },
      };
    },
  };
}

function memoryMb(): { rss: number; heap_used: number } {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: Math.round(rss / 2 ** 20), heap_used: Math.round(heapUsed / 2 ** 20) };
}
