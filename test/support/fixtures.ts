import { once } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { PNG } from 'pngjs';

/**
 * A small real PNG: a diagonal gradient of `base` colour; `variant` shifts a few pixels, so two
 * variants of one base are near-duplicates (close perceptual hashes) but different files.
 */
export function pngImage(base: [number, number, number], variant = 0, size = 24, flip = false): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 4;
      const t = ((flip ? size - x : x) + y) / (2 * size);
      const noise = (x * 7 + y * 13 + variant * 5) % 3 === 0 ? variant : 0;
      png.data[i] = Math.min(255, Math.round(base[0] * t) + noise);
      png.data[i + 1] = Math.min(255, Math.round(base[1] * t) + noise);
      png.data[i + 2] = Math.min(255, Math.round(base[2] * t) + noise);
      png.data[i + 3] = 255;
    }
  }
  return PNG.sync.write(png);
}

/** Writes files into a new folder and returns its path. */
export function folderWith(dir: string, files: Record<string, Buffer | string>): string {
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export interface FixtureServer {
  url: string;
  close(): Promise<void>;
}

/**
 * A local HTTP server for downloads: `/files/<name>` serves the given files, `/slow/<name>`
 * serves one after a delay, `/broken` closes the connection mid-body, `/huge` declares a size
 * larger than any disk.
 */
export async function fixtureServer(files: Record<string, Buffer>, slowMs = 4000): Promise<FixtureServer> {
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(req.url ?? '');
    const serve = (name: string): void => {
      const body = files[name];
      if (!body) {
        res.writeHead(404).end('not found');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': body.length });
      res.end(body);
    };
    if (path.startsWith('/files/')) return serve(path.slice('/files/'.length));
    if (path.startsWith('/slow/')) {
      const timer = setTimeout(() => serve(path.slice('/slow/'.length)), slowMs);
      res.on('close', () => clearTimeout(timer));
      return;
    }
    if (path === '/broken') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': 10_000 });
      res.write(Buffer.alloc(100));
      setTimeout(() => res.socket?.destroy(), 20);
      return;
    }
    if (path === '/huge') {
      res.writeHead(200, { 'content-type': 'image/png', 'content-length': String(2 ** 53 - 1) });
      res.write(Buffer.alloc(100));
      return;
    }
    res.writeHead(404).end('not found');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}
