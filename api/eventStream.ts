import type { Request, Response } from 'express';

/** A comment line every this often keeps proxies and load balancers from closing a quiet stream. */
export const KEEPALIVE_MS = 15_000;

export interface EventStream {
  /** One server-sent event; `id` lets a client resume from it with Last-Event-ID. */
  send(event: string, data: unknown, id?: string): void;
  /** Raw text in the stream's own format (a comment, a `retry:` line). */
  write(chunk: string): void;
  readonly closed: boolean;
  end(): void;
}

/**
 * Opens a server-sent event stream: the headers and a first comment go out at once, so an
 * EventSource or a proxy sees the stream open even when nothing happens for a while (a pending or
 * silent task), and a comment every KEEPALIVE_MS keeps it open. Every streaming route uses it.
 */
export function openEventStream(req: Request, res: Response, keepaliveMs = KEEPALIVE_MS): EventStream {
  res.writeHead(200, {
    'Content-Type': 'text/event-stream',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    'X-Accel-Buffering': 'no',
  });
  res.flushHeaders();
  res.write(': stream open\n\n');
  let closed = false;
  const keepalive = setInterval(() => res.write(': keepalive\n\n'), keepaliveMs);
  keepalive.unref();
  const close = (): void => {
    closed = true;
    clearInterval(keepalive);
  };
  req.on('close', close);
  return {
    send: (event, data, id) => void res.write(`${id ? `id: ${id}\n` : ''}event: ${event}\ndata: ${JSON.stringify(data)}\n\n`),
    write: (chunk) => void res.write(chunk),
    get closed() {
      return closed;
    },
    end: () => {
      close();
      res.end();
    },
  };
}
