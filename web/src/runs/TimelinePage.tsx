import { useQuery } from '@tanstack/react-query';
import { Link, useSearchParams } from 'react-router';
import { isFinished } from '../../../core/statuses';
import { errorMessage } from '../api/client';
import { graphQuery, pipelineQuery, taskListQuery } from '../api/queries';
import type { TaskGraph } from '../api/types';
import { MAX_PAGE_SIZE } from '../../../core/contract/listing';
import { activeFilters, viewFromUrl, viewToApiQuery, viewToUrl } from '../tasks/filters';
import { ExpectedEnd } from './ExpectedEnd';
import { RunTimeline, type TimelineRun } from './RunTimeline';

/** While a run goes on, the drawing is asked again this often (the bars grow meanwhile anyway). */
const LIVE_MS = 2000;

/**
 * The timeline of a pipeline's or a batch's tasks (in dependency order, critical path marked, a
 * running pipeline's expected end), or of the latest runs the task table's filters select (a
 * schedule's, say): `/ui/timeline?pipeline=…`, `?batch=…`, `?schedule=…`, or any table filters.
 */
export function TimelinePage() {
  const [params] = useSearchParams();
  const schedule = params.get('schedule');
  const scope = params.get('pipeline') ? 'pipeline' : params.get('batch') ? 'batch' : null;
  const graph = useQuery({
    ...graphQuery(scope ? new URLSearchParams({ [scope]: params.get(scope)! }).toString() : ''),
    enabled: scope !== null,
    // Asked again until every task has ended; an empty graph (its tasks not listed yet) is asked again too.
    refetchInterval: (q) => {
      const nodes = q.state.data?.graph.nodes;
      return nodes?.length && nodes.every((n) => isFinished(n.status)) ? false : LIVE_MS;
    },
  });
  const pipeline = useQuery({ ...pipelineQuery(params.get('pipeline') ?? ''), enabled: scope === 'pipeline' });
  // The table's view, newest runs first (as many as a page may hold), drawn oldest first.
  const view = viewFromUrl(params);
  const listQuery = viewToApiQuery({ ...view, sort: 'time', order: 'desc', page: 1 });
  listQuery.set('limit', String(MAX_PAGE_SIZE));
  const runs = useQuery({ ...taskListQuery(listQuery.toString()), enabled: scope === null, refetchInterval: LIVE_MS });
  const bars: TimelineRun[] = scope
    ? graph.data
      ? inDependencyOrder(graph.data.graph)
      : []
    : (runs.data?.rows ?? [])
        .map(({ task }) => ({ id: task.id, name: task.name ?? task.id, status: task.status, trigger: task.trigger_time, started_at: task.started_at, end_date: task.end_date }))
        .reverse();
  const error = graph.error ?? runs.error;
  const filters = activeFilters(view, (id) => id);
  const what = scope ? `${scope} ${params.get(scope)}` : schedule ? `schedule ${schedule}` : filters.length ? 'the filtered tasks' : 'the latest tasks';
  const expected = scope === 'pipeline' ? pipeline.data?.expected_end : null;
  return (
    <section className="page" aria-labelledby="timeline-title">
      <header className="page-header">
        <h1 id="timeline-title">Timeline{what && <small className="muted"> of {what}</small>}</h1>
        {schedule && !scope && <Link to={`/schedules/${encodeURIComponent(schedule)}`}>Back to the schedule</Link>}
        {!scope && !schedule && <Link to={`/?${viewToUrl({ ...view, page: 1 }).toString()}`}>Back to the table</Link>}
      </header>
      {!scope && (
        <p className="muted" data-testid="timeline-filters">
          {runs.data && runs.data.total > bars.length ? `The latest ${bars.length} of ${runs.data.total} runs` : `${bars.length} runs`}
          {filters.length > 0 && `: ${filters.map((f) => f.text).join(', ')}`}
        </p>
      )}
      {expected && (
        <p>
          <ExpectedEnd expected={expected} />
        </p>
      )}
      {error && (
        <p className="banner banner-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      <RunTimeline runs={bars} expectedEnd={expected ? Date.parse(expected.at) : undefined} />
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
