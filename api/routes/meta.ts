import type { Connection } from '@temporalio/client';
import { Router } from 'express';
import type { EventHub } from '../eventHub';
import { openApiDocument, taskTypeCatalog } from '../openapi';
import type { TaskIndex } from '../taskIndex';

export function metaRouter(index: TaskIndex, hub: EventHub, connection: Connection): Router {
  const router = Router();
  const document = openApiDocument();
  const catalog = taskTypeCatalog();

  router.get('/openapi.json', (_req, res) => void res.json(document));
  router.get('/task-types', (_req, res) => void res.json(catalog));
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
    });
  });

  return router;
}
