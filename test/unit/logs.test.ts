import { posix } from 'node:path';
import { describe, expect, it } from 'vitest';
import { logFilePath } from '../../core';

describe('logFilePath', () => {
  it('puts a plain id in its own folder', () => {
    expect(logFilePath('task-123', 'stdout')).toBe('task-123/stdout.log');
    expect(logFilePath('task-123', 'stderr')).toBe('task-123/stderr.log');
  });

  const ids = [
    'a/b',
    '../../etc/passwd',
    '..',
    '.',
    '/abs',
    'with space',
    `quote's "double"`,
    'back\\slash',
    'per%cent',
    '%2E%2E',
    'dots...in.id',
    'ünïcödé/🙂',
    'nul\u0000byte',
  ];

  it.each(ids)('keeps %j as one safe path segment', (id) => {
    const path = logFilePath(id, 'stdout');
    const segments = path.split('/');
    expect(segments).toHaveLength(2);
    expect(segments[1]).toBe('stdout.log');
    const [folder] = segments;
    expect(folder).not.toBe('');
    expect(folder).not.toMatch(/^\.+$/);
    expect(folder).not.toContain('/');
    expect(folder).not.toContain('\\');
    expect(folder).not.toContain(String.fromCharCode(0));
    // Normalising the path must not move it out of, or within, the logs root.
    expect(posix.normalize(path)).toBe(path);
  });

  it('gives distinct ids distinct folders', () => {
    const folders = ids.map((id) => logFilePath(id, 'stdout').split('/')[0]);
    expect(new Set(folders).size).toBe(ids.length);
  });
});
