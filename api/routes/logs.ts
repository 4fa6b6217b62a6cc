import { createReadStream } from 'node:fs';
import { access } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { isFinished, type Principal } from '../../core';
import { authorizeRead } from '../auth';
import { openEventStream } from '../eventStream';
import type { LogStore } from '../logStore';
import { STREAMED, type Handlers } from '../router';
import type { TaskIndex } from '../taskIndex';
import type { TaskService } from '../taskService';

const FOLLOW_POLL_MS = 250;
/** A task the index does not hold is described at most this often while followed. */
const DESCRIBE_EVERY_MS = 2000;

export function logHandlers(index: TaskIndex, service: TaskService, logs: LogStore): Pick<Handlers, 'taskLogs' | 'searchLogs' | 'downloadLogs' | 'followLogs'> {
  /**
   * The 404 check, then whether the caller may read this task's logs; a task this process already
   * indexes needs no call to Temporal.
   */
  const taskRecord = async (id: string, principal: Principal | undefined) => {
    const record = index.get(id) ?? (await service.record(id));
    authorizeRead(principal, 'logs', record);
    return record;
  };

  return {
    taskLogs: async ({ params: { id }, query: { stream, page }, principal }) => {
      await taskRecord(id, principal);
      const [body, stdout, stderr] = await Promise.all([logs.page(id, stream, page), logs.lineCount(id, 'stdout'), logs.lineCount(id, 'stderr')]);
      return { status: 200, body: { ...body, counts: { stdout, stderr } } };
    },

    searchLogs: async ({ params: { id }, query: { stream, q, limit }, principal }) => {
      await taskRecord(id, principal);
      return { status: 200, body: await logs.search(id, stream, q, limit) };
    },

    downloadLogs: async ({ params: { id }, query: { stream }, res, principal }) => {
      await taskRecord(id, principal);
      const path = logs.filePath(id, stream);
      res.attachment(`${id}-${stream}.log`).type('text/plain');
      const exists = await access(path).then(
        () => true,
        () => false,
      );
      if (exists) createReadStream(path).pipe(res);
      else res.end();
      return STREAMED;
    },

    /**
     * Server-sent events of new log lines while a task runs: `lines` events with the line number
     * they start at, then one `end` event once the task has finished and every line was sent.
     */
    followLogs: async ({ params: { id }, query: { stream, from }, req, res, principal }) => {
      let record = await taskRecord(id, principal);
      const events = openEventStream(req, res);
      let next = from;
      let describedAt = Date.now();
      while (!events.closed) {
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
          events.send('lines', { from: next, lines });
          next += lines.length;
        }
        if (done) {
          events.send('end', { total_lines: next, status: record.status });
          break;
        }
        await sleep(FOLLOW_POLL_MS);
      }
      events.end();
      return STREAMED;
    },
  };
}
