import type { Context } from '@temporalio/activity';

/** While there is news, heartbeat this often: the detail view shows fresh progress. */
const BUSY_MS = 1000;
/**
 * With nothing new to say, only this often: the beat then just proves the worker is alive and
 * picks up a pending abort. Every heartbeat is a write to Temporal's database, and a thousand
 * idle tasks beating every second swamped a dev server's SQLite file (bench figure 6). An abort of
 * a silent task reaches it within this time; the heartbeat timeout (15 s) leaves room for two misses.
 */
const IDLE_MS = 5000;

/**
 * Heartbeats `details()` at once, then every second while any of its fields changed (compared by
 * reference: a new progress report or checkpoint is a new object) and every 5 s otherwise.
 * Returns the function that stops it.
 */
export function startHeartbeat(ctx: Context, details: () => Record<string, unknown>): () => void {
  let sent: Record<string, unknown> | undefined;
  let sentAt = 0;
  const beat = (): void => {
    const now = Date.now();
    const next = details();
    const changed = !sent || Object.keys(next).some((key) => next[key] !== sent![key]);
    if (!changed && now - sentAt < IDLE_MS) return;
    ctx.heartbeat(next);
    sent = next;
    sentAt = now;
  };
  beat();
  const timer = setInterval(beat, BUSY_MS);
  return () => clearInterval(timer);
}
