import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Writable } from 'node:stream';
import { constants, createGzip } from 'node:zlib';
import type { Request, Response } from 'express';

/** How long one turn of the event loop writes before other requests get theirs. */
const SLICE_MS = 10;
/** Pieces are gathered into writes of about this many characters. */
const WRITE_CHARS = 64 * 1024;

/**
 * Sends a big JSON answer made piece by piece (`pieces` yields its text in order), yielding to
 * the event loop every few milliseconds and waiting for the client when its socket is full: one
 * JSON.stringify of a 50,000-task graph held every other request for seconds. Gzipped when the
 * client takes it (zlib works in libuv's threads, not on the event loop; at its fastest level a
 * 50,000-task graph's 74 MB become 1.5). Stops making pieces when the client goes away.
 */
export async function sendJsonPieces(req: Request, res: Response, status: number, pieces: Iterable<string>): Promise<void> {
  res.status(status).type('json').vary('Accept-Encoding');
  let out: Writable = res;
  if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
    res.set('Content-Encoding', 'gzip');
    const gzip = createGzip({ level: constants.Z_BEST_SPEED });
    gzip.pipe(res);
    out = gzip;
  }
  let gone = res.destroyed;
  res.once('close', () => {
    gone = true;
    if (out !== res) out.destroy();
  });
  let slice = performance.now();
  let buffered = '';
  const write = async (text: string) => {
    if (out.write(text) || gone) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        res.off('close', done);
        resolve();
      };
      out.once('drain', done);
      res.once('close', done);
    });
  };
  for (const piece of pieces) {
    if (gone) return;
    buffered += piece;
    if (buffered.length < WRITE_CHARS) continue;
    await write(buffered);
    buffered = '';
    if (performance.now() - slice > SLICE_MS) {
      await nextTurn();
      slice = performance.now();
    }
  }
  if (gone) return;
  out.end(buffered);
}
