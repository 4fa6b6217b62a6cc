import type { ConnectionLike } from '@temporalio/client';
import { Router } from 'express';
import { principalOf } from '../auth';
import type { EventHub } from '../eventHub';
import { openApiDocument, taskTypeCatalog } from '../openapi';
import type { TaskIndex } from '../taskIndex';
import type { TaskService } from '../taskService';

export function metaRouter(index: TaskIndex, service: TaskService, hub: EventHub, connection: ConnectionLike): Router {
  const router = Router();
  const document = openApiDocument();
  const catalog = taskTypeCatalog();

  router.get('/openapi.json', (_req, res) => void res.json(document));
  router.get('/task-types', (_req, res) => void res.json(catalog));
  // What the web app needs to know of this deployment.
  router.get('/config', (_req, res) => void res.json({ temporal_ui_workflow_url: service.temporalUiTemplate }));
  // Who the token signs in; the web app shows it and decides which actions to offer.
  router.get('/me', (_req, res) => {
    const principal = principalOf(res);
    res.json({ auth: Boolean(principal), user: principal?.user ?? null, role: principal?.role ?? null });
  });
  router.get('/events', (req, res) => hub.connect(req, res));

  router.get('/healthz', async (_req, res) => {
    const temporal = await connection.workflowService.getSystemInfo({}).then(
      () => 'ok',
      (err: Error) => err.message,
    );
    const healthy = temporal === 'ok';
    res.status(healthy ? 200 : 503).json({
      ok: healthy,
      temporal,
      index: { tasks: index.size, ...index.stats },
      event_clients: hub.clientCount,
      // What this API process holds: the index of the window, and the event streams.
      memory_mb: memoryMb(),
    });
  });

  return router;
}

function memoryMb(): { rss: number; heap_used: number } {
  const { rss, heapUsed } = process.memoryUsage();
  return { rss: Math.round(rss / 2 ** 20), heap_used: Math.round(heapUsed / 2 ** 20) };
}
