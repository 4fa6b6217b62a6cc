import type { ProgressUpdate } from '../core';

const PROGRESS_LINE = /^\s*PROGRESS\s+(\d+(?:\.\d+)?)%?(?:\s+(.*?))?\s*$/;
// tqdm: "shards:  30%|███       | 3/10 [00:01<00:02,  4.99it/s]"
const TQDM_BAR = /(?:^|\s)(\d{1,3})%\|[^|]*\|\s*(\d+(?:\.\d+)?[a-zA-Z]*\/\d+(?:\.\d+)?[a-zA-Z]*)?/;

/**
 * Reads progress from one line of a command's output. Understands the documented
 * `PROGRESS <0-100> [message]` line and tqdm-style `NN%|` bars; anything else is not progress.
 */
export function parseProgressLine(line: string): ProgressUpdate | undefined {
  const explicit = PROGRESS_LINE.exec(line);
  if (explicit) {
    const percent = clampPercent(Number(explicit[1]));
    const message = explicit[2]?.trim();
    return message ? { percent, message } : { percent };
  }
  const bar = TQDM_BAR.exec(line);
  if (bar && bar.index !== undefined) {
    const percent = clampPercent(Number(bar[1]));
    const description = line.slice(0, bar.index).trim().replace(/:$/, '');
    const message = [description, bar[2]].filter(Boolean).join(' ');
    return message ? { percent, message } : { percent };
  }
  return undefined;
}

function clampPercent(value: number): number {
  return Math.max(0, Math.min(100, value));
}

/**
 * Splits a byte stream into lines on `\n` and on the `\r` that progress bars use to redraw
 * themselves, so every redraw is seen.
 */
export class LineSplitter {
  private rest = '';

  push(chunk: string, onLine: (line: string) => void): void {
    let text = this.rest + chunk;
    // A trailing \r may be the first half of a \r\n split across chunks: decide on the next one.
    const heldBack = text.endsWith('\r') ? '\r' : '';
    if (heldBack) text = text.slice(0, -1);
    const parts = text.split(/\r\n|\r|\n/);
    this.rest = (parts.pop() ?? '') + heldBack;
    for (const part of parts) onLine(part);
  }

  /**
   * The line being written: a tqdm bar redraws after a leading `\r` and ends only when the next
   * redraw starts, so its latest state is here, not in a completed line.
   */
  get partial(): string {
    return this.rest.replace(/\r$/, '');
  }

  end(onLine: (line: string) => void): void {
    const rest = this.rest.replace(/\r$/, '');
    if (rest) onLine(rest);
    this.rest = '';
  }
}
