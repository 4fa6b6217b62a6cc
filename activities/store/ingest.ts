import { createWriteStream } from 'node:fs';
import { mkdir, open, readdir, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ensureFreeSpace, formatBytes, readJson, removeQuietly, writeJson } from './files';
import { userError, type Job } from './job';
import { SNIFF_BYTES, SUPPORTED_MEDIA, describeContent, sniffMedia, type MediaType } from './sniff';

/** A file ready to be stored: local, or downloaded into the task's staging folder. */
export interface StagedFile {
  path: string;
  name: string;
  size: number;
  mime: string;
  ext: string;
}

export interface Sources {
  folder?: string;
  urls?: string[];
  /** A single local file (model upload). */
  file?: string;
}

/** Quick retries of one download before the network failure is reported. */
const DOWNLOAD_ATTEMPTS = 3;

/**
 * Regular files of a local folder (or one file), with sizes; a missing path is the user's to fix.
 * What a folder holds besides (sub-folders, hidden files, links to nowhere) is left out, and
 * `skipped` hears of each with why.
 */
export async function localFiles(
  sources: Sources,
  skipped: (name: string, why: string) => void = () => undefined,
): Promise<{ path: string; name: string; size: number }[]> {
  const files: { path: string; name: string; size: number }[] = [];
  if (sources.file) {
    const info = await stat(sources.file).catch(() => undefined);
    if (!info?.isFile()) throw userError(`File ${sources.file} does not exist on the worker`);
    files.push({ path: sources.file, name: basename(sources.file), size: info.size });
  }
  if (sources.folder) {
    const info = await stat(sources.folder).catch(() => undefined);
    if (!info) throw userError(`Folder ${sources.folder} does not exist on the worker`);
    if (!info.isDirectory()) throw userError(`${sources.folder} is not a folder`);
    for (const entry of (await readdir(sources.folder, { withFileTypes: true })).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name.startsWith('.')) {
        skipped(entry.name, 'a hidden file');
        continue;
      }
      if (!entry.isFile()) {
        skipped(entry.name, entry.isDirectory() ? 'a folder (folders are not read recursively)' : 'not a regular file');
        continue;
      }
      const path = join(sources.folder, entry.name);
      files.push({ path, name: entry.name, size: (await stat(path)).size });
    }
  }
  return files;
}

/**
 * The initializing step of every ingestion: checks free space for the local files, downloads the
 * URLs into `stagingDir` (checking each declared size first), then checks every file's type by
 * its content. Writes the list to `stagingDir/files.json`; nothing reaches a dataset yet.
 */
export async function stageSources(
  job: Job,
  sources: Sources,
  stagingDir: string,
  reserve: number,
  check: 'media' | 'any',
): Promise<{ files: number; bytes: number }> {
  await removeQuietly(stagingDir);
  await mkdir(join(stagingDir, 'downloads'), { recursive: true });
  const local = await localFiles(sources, (name, why) => job.log(`Skipped ${name}: ${why}`));
  const urls = sources.urls ?? [];
  if (local.length + urls.length === 0) throw userError(`No files to ingest: ${sources.folder ?? sources.file} is empty`);
  const localBytes = local.reduce((sum, f) => sum + f.size, 0);
  if (sources.folder) job.log(`Reading folder ${sources.folder}: ${local.length} files, ${formatBytes(localBytes)}`);
  if (sources.file) job.log(`Reading file ${sources.file}: ${formatBytes(localBytes)}`);
  if (urls.length) job.log(`Downloading ${urls.length} URL${urls.length === 1 ? '' : 's'}`);
  await ensureFreeSpace(stagingDir, localBytes, reserve);
  job.log(`Free space checked: ${formatBytes(localBytes)} fit beside the ${formatBytes(reserve)} kept free`);

  const total = local.length + urls.length;
  const staged: StagedFile[] = [];
  let done = 0;
  for (const file of local) {
    const type = await checkType(file.path, file.name, check);
    job.log(`Checked ${file.name}: ${type.mime}, ${formatBytes(file.size)}`);
    staged.push({ ...file, ...type });
    await job.step(++done, total, `Checked ${done}/${total} files`);
  }
  for (const [i, url] of urls.entries()) {
    const target = join(stagingDir, 'downloads', `${i}`);
    const began = Date.now();
    job.log(`Downloading ${url}`);
    const size = await download(job, url, target, reserve + localBytes);
    const name = decodeURIComponent(basename(new URL(url).pathname)) || `download-${i}`;
    const type = await checkType(target, name, check);
    job.log(`Downloaded ${url} as ${name}: ${type.mime}, ${formatBytes(size)} in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    staged.push({ path: target, name, size, ...type });
    await job.step(++done, total, `Downloaded ${i + 1}/${urls.length} files`);
  }
  await writeJson(join(stagingDir, 'files.json'), staged);
  const bytes = staged.reduce((sum, f) => sum + f.size, 0);
  job.log(`Staged ${staged.length} files, ${formatBytes(bytes)}`);
  return { files: staged.length, bytes };
}

export async function stagedFiles(stagingDir: string): Promise<StagedFile[]> {
  return readJson<StagedFile[]>(join(stagingDir, 'files.json'));
}

async function checkType(path: string, name: string, check: 'media' | 'any'): Promise<Pick<StagedFile, 'mime' | 'ext'>> {
  const head = await readHead(path);
  if (check === 'any') {
    if (head.length === 0) throw userError(`Incompatible file: ${name} is empty`);
    return { mime: 'application/octet-stream', ext: '' };
  }
  const type: MediaType | undefined = sniffMedia(head);
  if (!type) {
    throw userError(`Incompatible file type: ${name} is not a supported image or video (${describeContent(head)}). Supported: ${SUPPORTED_MEDIA}. Remove it and retry.`);
  }
  return { mime: type.mime, ext: type.ext };
}

export async function readHead(path: string): Promise<Buffer> {
  const handle = await open(path, 'r');
  try {
    const buf = Buffer.alloc(SNIFF_BYTES);
    const { bytesRead } = await handle.read(buf, 0, SNIFF_BYTES, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/** Downloads one URL; a declared size that would not fit fails before a byte is written. */
async function download(job: Job, url: string, target: string, reserve: number): Promise<number> {
  let lastError: unknown;
  for (let attempt = 1; attempt <= DOWNLOAD_ATTEMPTS; attempt++) {
    job.checkCancelled();
    try {
      const res = await fetch(url, { signal: job.signal });
      if (!res.ok || !res.body) {
        // A client error will not change on retry: the URL is wrong.
        if (res.status >= 400 && res.status < 500) throw userError(`Network failure: ${url} answered HTTP ${res.status}; check the URL and retry`);
        throw new Error(`HTTP ${res.status}`);
      }
      const declared = Number(res.headers.get('content-length') ?? NaN);
      if (Number.isFinite(declared)) await ensureFreeSpace(dirname(target), declared, reserve);
      await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(target), { signal: job.signal });
      const size = (await stat(target)).size;
      if (Number.isFinite(declared) && size !== declared) throw new Error(`connection closed after ${formatBytes(size)} of ${formatBytes(declared)}`);
      return size;
    } catch (err) {
      if (job.signal.aborted || (err as { nonRetryable?: boolean }).nonRetryable) throw err;
      lastError = err;
      const why = err instanceof Error ? ((err.cause as Error | undefined)?.message ?? err.message) : String(err);
      job.log(`Download attempt ${attempt} of ${DOWNLOAD_ATTEMPTS} of ${url} failed: ${why}${attempt < DOWNLOAD_ATTEMPTS ? '; trying again' : ''}`);
      await new Promise((r) => setTimeout(r, 300 * attempt));
    }
  }
  const cause = lastError instanceof Error ? ((lastError.cause as Error | undefined)?.message ?? lastError.message) : String(lastError);
  throw userError(`Network failure downloading ${url} (${DOWNLOAD_ATTEMPTS} attempts): ${cause}. Check the network and the URL, then retry.`);
}
