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

/**
 * Throttles progress sent to the workflow. Every send is a signal and a search-attribute upsert,
 * about six history events, and a history holds at most 51,200. So a send happens only when the
 * whole percentage moved, at most once per interval: at most about 100 sends in a task's life,
 * however long it runs. A message rides along with the next percentage change; the freshest one
 * travels in the activity's heartbeat details, which cost no history.
 */
export class ProgressThrottle {
  private latest: ProgressUpdate | undefined;
  private sent: ProgressUpdate | undefined;
  private lastSentAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly send: (update: ProgressUpdate) => Promise<void>,
    private readonly intervalMs = 1000,
    private readonly now: () => number = Date.now,
  ) {}

  report(update: ProgressUpdate): void {
    this.latest = update;
    if (!this.isNews(update)) return;
    const wait = this.lastSentAt + this.intervalMs - this.now();
    if (wait <= 0) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), wait);
  }

  /** Sends the latest value now if it is news; used at the end of the work. */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const update = this.latest;
    if (!update || !this.isNews(update)) return;
    this.sent = update;
    this.lastSentAt = this.now();
    // A lost progress report is harmless (the next one supersedes it), so it never fails the work.
    this.send(update).catch(() => undefined);
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  get current(): ProgressUpdate | undefined {
    return this.latest;
  }

  private isNews(update: ProgressUpdate): boolean {
    if (!this.sent) return true;
    return Math.floor(update.percent) > Math.floor(this.sent.percent);
  }
}
