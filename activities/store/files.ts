import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, link, mkdir, readFile, readdir, rename, rm, statfs, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { userError } from './job';

/** Writes JSON next to its target and renames it into place: readers never see half a file. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}-${Math.random().toString(36).slice(2)}`;
  await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
  await rename(tmp, path);
}

export async function readJson<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>>;
export async function readJson<T>(path: string, schema?: undefined, fallback?: T): Promise<T>;
export async function readJson(path: string, schema?: z.ZodType, fallback?: unknown): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' && fallback !== undefined) return fallback;
    throw err;
  }
  const value: unknown = JSON.parse(text);
  return schema ? schema.parse(value) : value;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

/** Fails with "insufficient storage" before any byte is written when `bytes` would not fit. */
export async function ensureFreeSpace(dir: string, bytes: number, reserve: number): Promise<void> {
  await mkdir(dir, { recursive: true });
  const fs = await statfs(dir);
  const free = fs.bavail * fs.bsize;
  if (bytes + reserve > free) {
    throw userError(
      `Insufficient storage: ${formatBytes(bytes)} needed, but the data folder's disk has ${formatBytes(Math.max(0, free - reserve))} ` +
        `free beyond its ${formatBytes(reserve)} reserve (TASKDECK_MIN_FREE_MB). Free up space or use smaller input, then retry.`,
    );
  }
}

export async function sha256File(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Copies a folder for a new version of a dataset: media files are hard links (they are never
 * changed in place, only added or dropped), everything else is a real copy that may be rewritten.
 */
export async function cloneTree(from: string, to: string, linkDir = 'media'): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name);
    const target = join(to, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === linkDir) await linkTree(source, target);
      else await cloneTree(source, target, linkDir);
    } else if (entry.isFile()) {
      await copyFile(source, target);
    }
  }
}

async function linkTree(from: string, to: string): Promise<void> {
  await mkdir(to, { recursive: true });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    if (entry.isFile()) await link(join(from, entry.name), join(to, entry.name));
  }
}

export async function removeQuietly(path: string): Promise<void> {
  await rm(path, { recursive: true, force: true }).catch(() => undefined);
}
