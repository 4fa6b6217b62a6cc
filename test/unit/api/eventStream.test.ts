import type { AddressInfo } from 'node:net';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openEventStream } from '../../../api/eventStream';

let base: string;
let server: ReturnType<ReturnType<typeof express>['listen']>;

beforeAll(async () => {
  const app = express();
  // A stream with nothing to say: only the stream's own lines reach the client.
  app.get('/quiet', (req, res) => void openEventStream(req, res, 100));
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('a server-sent event stream', () => {
  it('is open for the client at once, and kept open by comments while nothing happens', async () => {
    const controller = new AbortController();
    const res = await fetch(`${base}/quiet`, { signal: controller.signal });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes(': keepalive')) text += (await reader.read()).value ?? '';
    controller.abort();
    expect(text.startsWith(': stream open\n\n')).toBe(true);
  });
});
