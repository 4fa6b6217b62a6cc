import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { Router } from 'express';
import { isFinished } from '../../core';
import { parseOr400 } from '../errors';
import type { LogStore } from '../logStore';
import { logFollowQuery, logPageQuery, logSearchQuery, logStreamQuery, taskIdParams } from '../schemas';
import type { TaskIndex } from '../taskIndex';
import type { TaskService } from '../taskService';

const FOLLOW_POLL_MS = 250;
/** A task the index does not hold is described at most this often while followed. */
const DESCRIBE_EVERY_MS = 2000;

export function logsRouter(index: TaskIndex, service: TaskService, logs: LogStore): Router {
  const router = Router();

  /** The 404 check; a task this process already indexes needs no call to Temporal. */
  const taskRecord = async (id: string) => index.get(id) ?? service.record(id);

  router.get('/tasks/:id/logs', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    const { stream, page } = parseOr400(logPageQuery, req.query);
    await taskRecord(id);
    const [body, stdout, stderr] = await Promise.all([
      logs.page(id, stream, page),
      logs.lineCount(id, 'stdout'),
      logs.lineCount(id, 'stderr'),
    ]);
    res.json({ ...body, counts: { stdout, stderr } });
  });

  router.get('/tasks/:id/logs/search', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    const { stream, q, limit } = parseOr400(logSearchQuery, req.query);
    await taskRecord(id);
    res.json(await logs.search(id, stream, q, limit));
  });

  router.get('/tasks/:id/logs/download', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    const { stream } = parseOr400(logStreamQuery, req.query);
    await taskRecord(id);
    const path = logs.filePath(id, stream);
    res.attachment(`${id}-${stream}.log`).type('text/plain');
    const exists = await access(path).then(
      () => true,
      () => false,
    );
    if (!exists) {
      res.end();
      return;
    }
    createReadStream(path).pipe(res);
  });

  /**
   * Server-sent events of new log lines while a task runs: `lines` events with the line number
   * they start at, then one `end` event once the task has finished and every line was sent.
   */
  router.get('/tasks/:id/logs/follow', async (req, res) => {
    const { id } = parseOr400(taskIdParams, req.params);
    const { stream, from } = parseOr400(logFollowQuery, req.query);
    let record = await taskRecord(id);
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    let closed = false;
    req.on('close', () => (closed = true));
    let next = from;
    let describedAt = Date.now();
    while (!closed) {
      const indexed = index.get(id);
      if (indexed) record = indexed;
      else if (Date.now() - describedAt > DESCRIBE_EVERY_MS) {
        record = await service.record(id);
        describedAt = Date.now();
      }
      // Read after the status check: a finished task's files were closed before it finished.
      const done = isFinished(record.status);
      const lines = await logs.linesFrom(id, stream, next, done);
      if (lines.length > 0) {
        res.write(`event: lines\ndata: ${JSON.stringify({ from: next, lines })}\n\n`);
        next += lines.length;
      }
      if (done) {
        res.write(`event: end\ndata: ${JSON.stringify({ total_lines: next, status: record.status })}\n\n`);
        break;
      }
      await sleep(FOLLOW_POLL_MS);
    }
    res.end();
  });

  return router;
}
