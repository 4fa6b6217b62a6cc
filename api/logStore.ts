import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LOG_PAGE_SIZE, logFilePath, type LogStream } from '../core';
import type { LogPage, LogSearch } from '../core/contract';

/** A page as the store reads it; the route adds both streams' line counts. */
type StoredPage = Omit<LogPage, 'counts'>;

interface LineIndex {
  size: number;
  /** Byte offset where each line starts; kept per file and extended as the file grows. */
  starts: number[];
}


/** Lines read per step of a search: a 100,000-line log is searched in bounded memory. */
const SEARCH_CHUNK_LINES = 5000;


/**
 * Reads the per-task log files the worker writes (`<logs>/<task>/<stream>.log`). A line index
 * per file makes a page of a 100,000-line log cost one small read, and grows incrementally while
 * a running task appends.
 */
export class LogStore {
  private readonly indexes = new Map<string, LineIndex>();
  /** One index update per file at a time: concurrent readers would append the same lines twice. */
  private readonly updating = new Map<string, Promise<LineIndex>>();

  constructor(private readonly root: string) {}

  filePath(taskId: string, stream: LogStream): string {
    return join(this.root, logFilePath(taskId, stream));
  }

  async lineCount(taskId: string, stream: LogStream): Promise<number> {
    return countLines(await this.index(this.filePath(taskId, stream)));
  }

  /** Page N (1-based) of 500 lines. */
  async page(taskId: string, stream: LogStream, page: number): Promise<StoredPage> {
    const path = this.filePath(taskId, stream);
    const index = await this.index(path);
    const total = countLines(index);
    const first = (page - 1) * LOG_PAGE_SIZE;
    return {
      stream,
      page,
      page_size: LOG_PAGE_SIZE,
      total_lines: total,
      total_pages: Math.max(1, Math.ceil(total / LOG_PAGE_SIZE)),
      first_line: first + 1,
      lines: await readLines(path, index, first, Math.min(total, first + LOG_PAGE_SIZE)),
    };
  }

  /**
   * Case-insensitive full-text search over a whole log, so the viewer can jump to matches on
   * pages it has not loaded.
   */
  async search(taskId: string, stream: LogStream, query: string, limit: number): Promise<LogSearch> {
    const path = this.filePath(taskId, stream);
    const index = await this.index(path);
    const total = countLines(index);
    const needle = query.toLowerCase();
    const matches: number[] = [];
    let truncated = false;
    for (let from = 0; from < total && !truncated; from += SEARCH_CHUNK_LINES) {
      const lines = await readLines(path, index, from, Math.min(total, from + SEARCH_CHUNK_LINES));
      for (let i = 0; i < lines.length; i++) {
        if (!lines[i].toLowerCase().includes(needle)) continue;
        if (matches.length === limit) {
          truncated = true;
          break;
        }
        matches.push(from + i + 1);
      }
    }
    return { stream, query, matches, total_lines: total, truncated };
  }

  /**
   * Complete lines from line `from` (0-based) on, for following a running task. A last line
   * without its newline is held back until it is complete, unless `includePartial`.
   */
  async linesFrom(taskId: string, stream: LogStream, from: number, includePartial: boolean): Promise<string[]> {
    const path = this.filePath(taskId, stream);
    const index = await this.index(path);
    let end = countLines(index);
    const lastIsPartial = end > 0 && !endsWithNewline(index);
    if (lastIsPartial && !includePartial) end -= 1;
    if (from >= end) return [];
    return readLines(path, index, from, end);
  }

  private index(path: string): Promise<LineIndex> {
    const running = this.updating.get(path);
    if (running) return running;
    const update = this.updateIndex(path).finally(() => this.updating.delete(path));
    this.updating.set(path, update);
    return update;
  }

  private async updateIndex(path: string): Promise<LineIndex> {
    const size = (await stat(path).catch(() => undefined))?.size ?? 0;
    let index = this.indexes.get(path);
    if (!index || size < index.size) {
      // New file, or truncated by a retried attempt: index from the start.
      index = { size: 0, starts: [] };
      this.indexes.set(path, index);
    }
    if (size > index.size) {
      const handle = await open(path, 'r');
      try {
        const chunk = Buffer.alloc(1 << 20);
        let position = index.size;
        if (index.starts.length === 0) index.starts.push(0);
        while (position < size) {
          const { bytesRead } = await handle.read(chunk, 0, Math.min(chunk.length, size - position), position);
          if (bytesRead === 0) break;
          const read = chunk.subarray(0, bytesRead);
          for (let i = read.indexOf(10); i !== -1; i = read.indexOf(10, i + 1)) {
            index.starts.push(position + i + 1);
          }
          position += bytesRead;
        }
        index.size = position;
      } finally {
        await handle.close();
      }
    }
    return index;
  }
}

function countLines(index: LineIndex): number {
  const n = index.starts.length;
  // After a final newline the "next line" has not started yet.
  return n > 0 && index.starts[n - 1] === index.size ? n - 1 : n;
}

function endsWithNewline(index: LineIndex): boolean {
  return index.starts[index.starts.length - 1] === index.size;
}

async function readLines(path: string, index: LineIndex, from: number, to: number): Promise<string[]> {
  if (to <= from) return [];
  const start = index.starts[from];
  const end = to < index.starts.length ? index.starts[to] : index.size;
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    await handle.read(buffer, 0, buffer.length, start);
    const lines = buffer.toString('utf8').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    return lines.slice(0, to - from);
  } finally {
    await handle.close();
  }
}
