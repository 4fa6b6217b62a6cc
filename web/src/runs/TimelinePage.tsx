import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { isFinished } from '../../../core/statuses';
import { errorMessage } from '../api/client';
import { graphQuery, taskListQuery } from '../api/queries';
import type { TaskGraph } from '../api/types';
import { RunTimeline, type TimelineRun } from './RunTimeline';

/** While a run goes on, the drawing is asked again this often (the bars grow meanwhile anyway). */
const LIVE_MS = 2000;

/**
 * The timeline of a pipeline's or a batch's tasks (in dependency order, critical path marked) or
 * of a schedule's recent runs: `/ui/timeline?pipeline=…`, `?batch=…`, `?schedule=…`.
 */
export function TimelinePage() {
  const [params] = useSearchParams();
  const schedule = params.get('schedule');
  const scope = params.get('pipeline') ? 'pipeline' : params.get('batch') ? 'batch' : null;
  const graph = useQuery({
    ...graphQuery(scope ? new URLSearchParams({ [scope]: params.get(scope)! }).toString() : ''),
    enabled: scope !== null,
    refetchInterval: (q) => (q.state.data?.graph.nodes.every((n) => isFinished(n.status)) ? false : LIVE_MS),
  });
  const runs = useQuery({
    ...taskListQuery(new URLSearchParams({ schedule: schedule ?? '', limit: '50', order: 'asc' }).toString()),
    enabled: schedule !== null,
    refetchInterval: LIVE_MS,
  });
  const bars: TimelineRun[] = scope
    ? graph.data
      ? inDependencyOrder(graph.data.graph)
      : []
    : (runs.data?.rows ?? []).map(({ task }) => ({ id: task.id, name: task.name ?? task.id, status: task.status, trigger: task.trigger_time, started_at: task.started_at, end_date: task.end_date }));
  const error = graph.error ?? runs.error;
  const what = scope ? `${scope} ${params.get(scope)}` : schedule ? `schedule ${schedule}` : null;
  return (
    <section className="page" aria-labelledby="timeline-title">
      <header className="page-header">
        <h1 id="timeline-title">Timeline{what && <small className="muted"> of {what}</small>}</h1>
        {schedule && <Link to={`/schedules/${encodeURIComponent(schedule)}`}>Back to the schedule</Link>}
      </header>
      {!what && <p className="muted">Open a timeline from a schedule, a pipeline or a batch.</p>}
      {error && (
        <p className="banner banner-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {what && <RunTimeline runs={bars} />}
    </section>
  );
}

/** A pipeline's tasks upstream first (each after everything it waits for), then by submit time. */
function inDependencyOrder(graph: TaskGraph): TimelineRun[] {
  const level = new Map<string, number>();
  const upstream = new Map<string, string[]>();
  for (const edge of graph.edges) upstream.set(edge.target, [...(upstream.get(edge.target) ?? []), edge.source]);
  const depth = (id: string, seen = new Set<string>()): number => {
    const known = level.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0;
    seen.add(id);
    const d = Math.max(-1, ...(upstream.get(id) ?? []).map((u) => depth(u, seen))) + 1;
    level.set(id, d);
    return d;
  };
  return [...graph.nodes]
    .sort((a, b) => depth(a.id) - depth(b.id) || a.created_at.localeCompare(b.created_at))
    .map((n) => ({ id: n.id, name: n.name ?? n.id, status: n.status, trigger: n.created_at, started_at: n.started_at, end_date: n.end_date, critical: n.critical }));
}
