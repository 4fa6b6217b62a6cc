/** A task of a running pipeline, as far as its expected finish needs it. */
export interface FinishTask {
  id: string;
  /** Undefined: not started yet (or not listed yet). */
  started_at?: string | null;
  /** Set once it ended, whatever the outcome. */
  end_date?: string | null;
  /** How long it is expected to run in all, from earlier runs; undefined when nothing is known. */
  expected_ms: number | undefined;
}

/**
 * When a running pipeline is expected to end: each task that has not ended is laid out after the
 * tasks it waits for, for its expected duration (a running one from its start, at least until
 * now), and the pipeline ends with its latest task. Undefined when a task that has not ended has
 * no expected duration: a guess that leaves a task out would be too early. Tasks in dependency
 * order are walked once (edges name ids, source before target), so a chain of 10,000 is cheap.
 */
export function expectedFinish(tasks: readonly FinishTask[], edges: readonly { source: string; target: string }[], now: number): number | undefined {
  const upstream = new Map<string, string[]>();
  const waiting = new Map(tasks.map((t) => [t.id, 0]));
  const downstream = new Map<string, string[]>();
  for (const { source, target } of edges) {
    if (!waiting.has(source) || !waiting.has(target)) continue;
    upstream.set(target, [...(upstream.get(target) ?? []), source]);
    downstream.set(source, [...(downstream.get(source) ?? []), target]);
    waiting.set(target, waiting.get(target)! + 1);
  }
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const finish = new Map<string, number>();
  const ready = tasks.filter((t) => waiting.get(t.id) === 0).map((t) => t.id);
  let latest = now;
  for (let k = 0; k < ready.length; k++) {
    const task = byId.get(ready[k])!;
    let end: number;
    if (task.end_date) end = Date.parse(task.end_date);
    else {
      if (task.expected_ms === undefined) return undefined;
      const begins = task.started_at ? Date.parse(task.started_at) : Math.max(now, ...(upstream.get(task.id) ?? []).map((id) => finish.get(id)!));
      end = Math.max(now, begins + task.expected_ms);
    }
    finish.set(task.id, end);
    latest = Math.max(latest, end);
    for (const next of downstream.get(task.id) ?? []) {
      const left = waiting.get(next)! - 1;
      waiting.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  // A cycle never starts (pipelines refuse them), so every task was reached.
  return ready.length === tasks.length ? latest : undefined;
}

/** The middle of some durations (the upper middle of an even count), undefined for none. */
export function medianMs(durations: readonly number[]): number | undefined {
  if (durations.length === 0) return undefined;
  const sorted = [...durations].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
