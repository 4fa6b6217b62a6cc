import type { ProgressUpdate } from './types';

/**
 * Throttles progress sent to the workflow. Every send is a signal and a search-attribute upsert,
 * about six history events, and a history holds at most 51,200. So a send happens only when the
 * whole percentage moved, at most once per interval: at most about 100 sends in a task's life,
 * however long it runs. A message rides along with the next percentage change; the freshest one
 * travels in the activity's heartbeat details, which cost no history.
 */
/** A progress report reaches its workflow at most this often. */
export const PROGRESS_THROTTLE_MS = 1000;

export class ProgressThrottle {
  private latest: ProgressUpdate | undefined;
  private sent: ProgressUpdate | undefined;
  private lastSentAt = -Infinity;
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly send: (update: ProgressUpdate) => Promise<void>,
    private readonly intervalMs = PROGRESS_THROTTLE_MS,
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
    this.deliver(update);
  }

  /**
   * At the end of the work: sends the latest report if anything of it (a message too) was not
   * sent, and waits until what was sent has arrived, so the workflow hears it before the end.
   */
  async drain(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const update = this.latest;
    if (update && (this.isNews(update) || update.message !== this.sent?.message)) this.deliver(update);
    await this.inFlight;
  }

  private deliver(update: ProgressUpdate): void {
    this.sent = update;
    this.lastSentAt = this.now();
    // A lost progress report is harmless (the next one supersedes it), so it never fails the work.
    this.inFlight = this.send(update).catch(() => undefined);
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

/**
 * `send` made to run one call after another. Two progress signals in flight at once can reach
 * the workflow in either order, and it keeps the later arrival's message: on a loaded machine
 * the last page's report ("page 6 of 6") was overtaken by the one before it.
 */
export function oneAfterAnother<T>(send: (update: T) => Promise<void>): (update: T) => Promise<void> {
  let last: Promise<unknown> = Promise.resolve();
  return (update) => {
    const next = last.then(() => send(update));
    last = next.catch(() => undefined);
    return next;
  };
}
