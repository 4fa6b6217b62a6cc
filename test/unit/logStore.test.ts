import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogStore } from '../../api/logStore';
import { logFilePath, type LogStream } from '../../core';

let root: string;
let store: LogStore;

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'taskdeck-logstore-'));
  store = new LogStore(root);
});
afterEach(() => {
  rmSync(root, { recursive: true, force: true });
});

function write(id: string, content: string, stream: LogStream = 'stdout'): void {
  const path = join(root, logFilePath(id, stream));
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

function append(id: string, content: string, stream: LogStream = 'stdout'): void {
  appendFileSync(join(root, logFilePath(id, stream)), content);
}

const numbered = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}`);

describe('LogStore', () => {
  it('searches a whole log in chunks, case-insensitively, up to a limit', async () => {
    write('big', `${numbered(1, 12_000).join('\n')}\nLAST Line 7\n`);
    const found = await store.search('big', 'stdout', 'line 7', 100);
    // "line 7", "line 70".."line 79", "line 700"..: the first 100 in order, across chunks.
    expect(found.matches.slice(0, 3)).toEqual([7, 70, 71]);
    expect(found).toMatchObject({ total_lines: 12_001, truncated: true });
    expect(found.matches).toHaveLength(100);
    const all = await store.search('big', 'stdout', 'line 7', 10_000);
    expect(all.truncated).toBe(false);
    expect(all.matches.at(-1)).toBe(12_001);
    expect((await store.search('missing', 'stderr', 'x', 10)).matches).toEqual([]);
  });

  it('reads files at root/<logFilePath>', () => {
    expect(store.filePath('a/b', 'stderr')).toBe(join(root, logFilePath('a/b', 'stderr')));
  });

  it.each([
    ['', 0],
    ['one', 1],
    ['one\n', 1],
    ['one\ntwo', 2],
    ['one\ntwo\n', 2],
    ['\n\n\n', 3],
  ])('counts the lines of %j as %i', async (content, expected) => {
    write('t', content);
    expect(await store.lineCount('t', 'stdout')).toBe(expected);
  });

  it('gives 0 lines and an empty first page for a missing file', async () => {
    expect(await store.lineCount('missing', 'stdout')).toBe(0);
    expect(await store.page('missing', 'stdout', 1)).toEqual({
      stream: 'stdout',
      page: 1,
      page_size: 500,
      total_lines: 0,
      total_pages: 1,
      first_line: 1,
      lines: [],
    });
  });

  it('keeps stdout and stderr of one task apart, and ids with special characters', async () => {
    write('a/../b c', 'out\n', 'stdout');
    write('a/../b c', 'err1\nerr2\n', 'stderr');
    expect(await store.lineCount('a/../b c', 'stdout')).toBe(1);
    expect(await store.lineCount('a/../b c', 'stderr')).toBe(2);
    expect(await store.lineCount('b c', 'stderr')).toBe(0);
  });

  describe('pages of a 1,200-line file', () => {
    beforeEach(() => {
      write('big', numbered(1, 1200).join('\n') + '\n');
    });

    it('serves page 1', async () => {
      const page = await store.page('big', 'stdout', 1);
      expect(page).toMatchObject({ page: 1, page_size: 500, total_lines: 1200, total_pages: 3, first_line: 1 });
      expect(page.lines).toEqual(numbered(1, 500));
    });

    it('serves page 2', async () => {
      const page = await store.page('big', 'stdout', 2);
      expect(page).toMatchObject({ page: 2, total_lines: 1200, total_pages: 3, first_line: 501 });
      expect(page.lines).toEqual(numbered(501, 1000));
    });

    it('serves the short last page and an empty page past the end', async () => {
      expect((await store.page('big', 'stdout', 3)).lines).toEqual(numbered(1001, 1200));
      expect((await store.page('big', 'stdout', 4)).lines).toEqual([]);
    });
  });

  it('serves a last line without its newline on a page', async () => {
    write('t', 'a\nb\nc');
    expect((await store.page('t', 'stdout', 1)).lines).toEqual(['a', 'b', 'c']);
  });

  it('keeps multi-byte characters intact', async () => {
    write('t', 'héllo\n日本語\n🙂\n');
    expect((await store.page('t', 'stdout', 1)).lines).toEqual(['héllo', '日本語', '🙂']);
  });

  it('counts a growing file incrementally and correctly', async () => {
    write('grow', 'a\nb');
    expect(await store.lineCount('grow', 'stdout')).toBe(2);
    append('grow', 'c\nd\n');
    expect(await store.lineCount('grow', 'stdout')).toBe(3);
    expect((await store.page('grow', 'stdout', 1)).lines).toEqual(['a', 'bc', 'd']);
    append('grow', numbered(1, 600).join('\n') + '\n');
    expect(await store.lineCount('grow', 'stdout')).toBe(603);
    const page2 = await store.page('grow', 'stdout', 2);
    expect(page2.total_pages).toBe(2);
    expect(page2.lines).toEqual(numbered(498, 600));
  });

  it('re-indexes a file rewritten shorter', async () => {
    write('t', numbered(1, 10).join('\n') + '\n');
    expect(await store.lineCount('t', 'stdout')).toBe(10);
    write('t', 'retry 1\nretry 2\n');
    expect(await store.lineCount('t', 'stdout')).toBe(2);
    expect((await store.page('t', 'stdout', 1)).lines).toEqual(['retry 1', 'retry 2']);
  });

  it('sees a file that appears after it was found missing', async () => {
    expect(await store.lineCount('late', 'stdout')).toBe(0);
    write('late', 'x\ny\n');
    expect(await store.lineCount('late', 'stdout')).toBe(2);
  });

  describe('linesFrom', () => {
    it('holds back a partial last line unless includePartial', async () => {
      write('t', 'a\nb\npart');
      expect(await store.linesFrom('t', 'stdout', 0, false)).toEqual(['a', 'b']);
      expect(await store.linesFrom('t', 'stdout', 0, true)).toEqual(['a', 'b', 'part']);
      expect(await store.linesFrom('t', 'stdout', 2, false)).toEqual([]);
      expect(await store.linesFrom('t', 'stdout', 2, true)).toEqual(['part']);
    });

    it('serves every complete line when the file ends with a newline', async () => {
      write('t', 'a\nb\n');
      expect(await store.linesFrom('t', 'stdout', 1, false)).toEqual(['b']);
      expect(await store.linesFrom('t', 'stdout', 1, true)).toEqual(['b']);
      expect(await store.linesFrom('t', 'stdout', 2, true)).toEqual([]);
    });

    it('follows a file as its partial line completes', async () => {
      write('t', 'a\nhal');
      expect(await store.linesFrom('t', 'stdout', 0, false)).toEqual(['a']);
      append('t', 'f\nnext');
      expect(await store.linesFrom('t', 'stdout', 1, false)).toEqual(['half']);
    });

    it('gives nothing for a missing file', async () => {
      expect(await store.linesFrom('missing', 'stdout', 0, true)).toEqual([]);
    });
  });

  it('gives correct counts to concurrent calls', async () => {
    write('c', numbered(1, 1200).join('\n') + '\n');
    const [count, page1, count2, page3] = await Promise.all([
      store.lineCount('c', 'stdout'),
      store.page('c', 'stdout', 1),
      store.lineCount('c', 'stdout'),
      store.page('c', 'stdout', 3),
    ]);
    expect([count, count2, page1.total_lines, page3.total_lines]).toEqual([1200, 1200, 1200, 1200]);
    expect(page1.lines).toEqual(numbered(1, 500));
    expect(page3.lines).toEqual(numbered(1001, 1200));

    append('c', numbered(1201, 1300).join('\n') + '\n');
    const counts = await Promise.all(Array.from({ length: 10 }, () => store.lineCount('c', 'stdout')));
    expect(counts).toEqual(Array(10).fill(1300));
    expect((await store.page('c', 'stdout', 3)).lines).toEqual(numbered(1001, 1300));
  });
});
