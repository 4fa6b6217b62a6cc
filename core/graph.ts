import type { z } from 'zod';
import type { criticalPath as criticalPathSchema, graphEdge, graphGroup, graphNode, taskGraph } from './contract/graph';
import { isFinished, type TaskStatus } from './statuses';

/**
 * The dependency graph of tasks: pure functions shared by the API (`GET /graph`) and the web
 * app (which recomputes the overlays as live events arrive, without asking the API again).
 *
 * Edges point downstream, from the task that must finish first to the task that waits for it:
 * - `depends_on`: the target was started with the source in its `depends_on`;
 * - `triggered_by`: the system started the target as the source's follow-up (a reindex after a
 *   media addition);
 * - `child`: the source workflow started the target as its child (a workflow the plugin tracks
 *   starting child workflows). A parent runs while its children do, so these edges carry no time
 *   for the critical path.
 */
export type EdgeKind = 'depends_on' | 'triggered_by' | 'child';

/** What the graph needs of a task: what a node shows of the task row, and its edges. */
export type GraphTask = Omit<GraphNode, 'blocked_by' | 'critical'> & { depends_on: readonly string[]; triggered_by: string | null; parent_id: string | null };

export type GraphNode = z.infer<typeof graphNode>;
export type GraphEdge = z.infer<typeof graphEdge>;
export type GraphGroup = z.infer<typeof graphGroup>;
export type CriticalPath = z.infer<typeof criticalPathSchema>;
/** `GET /graph`. */
export type TaskGraph = z.infer<typeof taskGraph>;

/** What to draw: one pipeline, one batch, one task's neighbourhood, or every connected task. */
export interface GraphScope {
  pipeline?: string;
  batch?: string;
  task?: string;
  /** For `task`: how many edges to follow upstream and downstream. */
  depth?: number;
  /** Only tasks created this many hours before `now` or later. */
  within_hours?: number;
}

/**
 * The most tasks one graph carries: the web app lays out 50,000 in about a second and draws
 * them (first paint and pan and zoom: docs/performance.md, row 10). Building and serialising
 * such an answer holds the API for seconds, which this bound keeps from growing further.
 */
export const MAX_GRAPH_NODES = 50_000;
export const DEFAULT_GRAPH_DEPTH = 2;
export const MAX_GRAPH_DEPTH = 20;

/** What a node shows of a task row: the row carries more, the graph sends only this. */
export function nodeFields(task: Omit<GraphNode, 'blocked_by' | 'critical'>): Omit<GraphNode, 'blocked_by' | 'critical'> {
  return {
    id: task.id,
    name: task.name,
    task_type: task.task_type,
    status: task.status,
    progress: task.progress,
    message: task.message,
    created_at: task.created_at,
    started_at: task.started_at,
    end_date: task.end_date,
    duration_ms: task.duration_ms,
    dataset: task.dataset,
    dataset_id: task.dataset_id,
    pipeline_id: task.pipeline_id,
    batch_id: task.batch_id,
    schedule_id: task.schedule_id,
    error: task.error,
  };
}

/** Statuses that end a task without success by its own doing: they block what depends on them. */
const FAILURES: ReadonlySet<TaskStatus> = new Set(['failed', 'aborted', 'rejected', 'terminated', 'timed_out']);

export function isFailure(status: TaskStatus): boolean {
  return FAILURES.has(status);
}

/** Every edge among `tasks` whose both ends are in it. */
export function edgesAmong(tasks: Iterable<GraphTask>): Omit<GraphEdge, 'critical'>[] {
  const byId = new Map<string, GraphTask>();
  for (const task of tasks) byId.set(task.id, task);
  const edges: Omit<GraphEdge, 'critical'>[] = [];
  for (const task of byId.values()) {
    for (const upstream of new Set(task.depends_on)) {
      if (byId.has(upstream)) edges.push({ source: upstream, target: task.id, kind: 'depends_on' });
    }
    if (task.triggered_by && byId.has(task.triggered_by)) edges.push({ source: task.triggered_by, target: task.id, kind: 'triggered_by' });
    if (task.parent_id && task.parent_id !== task.triggered_by && byId.has(task.parent_id)) edges.push({ source: task.parent_id, target: task.id, kind: 'child' });
  }
  return edges;
}

/** Lookups over a set of tasks: by id, and who depends on whom in both directions. */
export class TaskLinks {
  readonly byId = new Map<string, GraphTask>();
  private readonly downstream = new Map<string, string[]>();

  constructor(tasks: Iterable<GraphTask>) {
    for (const task of tasks) this.byId.set(task.id, task);
    for (const task of this.byId.values()) {
      for (const upstream of this.upstreamOf(task)) {
        const list = this.downstream.get(upstream);
        if (list) list.push(task.id);
        else this.downstream.set(upstream, [task.id]);
      }
    }
  }

  upstreamOf(task: GraphTask): string[] {
    const ids = new Set(task.depends_on);
    if (task.triggered_by) ids.add(task.triggered_by);
    if (task.parent_id && this.byId.has(task.parent_id)) ids.add(task.parent_id);
    return [...ids];
  }

  downstreamOf(id: string): readonly string[] {
    return this.downstream.get(id) ?? [];
  }

  /** Whether the task has any edge at all, to a task known here or not. */
  isLinked(task: GraphTask): boolean {
    return (
      task.depends_on.length > 0 || task.triggered_by !== null || (task.parent_id !== null && this.byId.has(task.parent_id)) || this.downstreamOf(task.id).length > 0
    );
  }

  /**
   * The failed tasks upstream that keep `id` from running (or made it upstream_failed): root
   * causes only, found through any number of unfinished or upstream_failed tasks in between.
   * Completed and failed tasks themselves are blocked by nothing.
   */
  blockedBy(id: string, memo = new Map<string, string[]>()): string[] {
    // Depth-first with a stack of its own: a chain of 50,000 waiting tasks is deeper than the call stack.
    const entered = new Set<string>();
    const stack = [id];
    while (stack.length > 0) {
      const current = stack[stack.length - 1];
      if (memo.has(current)) {
        stack.pop();
        continue;
      }
      const task = this.byId.get(current);
      if (!task || task.status === 'completed' || isFailure(task.status)) {
        memo.set(current, []);
        stack.pop();
        continue;
      }
      const through = task.depends_on.filter((upstreamId) => {
        const upstream = this.byId.get(upstreamId);
        return upstream !== undefined && !isFailure(upstream.status) && (!isFinished(upstream.status) || upstream.status === 'upstream_failed');
      });
      if (!entered.has(current)) {
        entered.add(current);
        // A task entered and not yet settled is on the path: a cycle, which the engine never makes, ends there.
        const unsettled = through.filter((upstreamId) => !memo.has(upstreamId) && !entered.has(upstreamId));
        if (unsettled.length > 0) {
          stack.push(...unsettled);
          continue;
        }
      }
      const causes = new Set<string>();
      for (const upstreamId of task.depends_on) {
        const upstream = this.byId.get(upstreamId);
        if (upstream && isFailure(upstream.status)) causes.add(upstreamId);
      }
      for (const upstreamId of through) for (const cause of memo.get(upstreamId) ?? []) causes.add(cause);
      memo.set(current, [...causes].sort());
      stack.pop();
    }
    return memo.get(id)!;
  }

  /** The task and its upstream and downstream tasks, following at most `depth` edges each way. */
  neighbourhood(id: string, depth: number): Set<string> {
    const seen = new Set<string>();
    if (!this.byId.has(id)) return seen;
    seen.add(id);
    const walk = (next: (taskId: string) => readonly string[]): void => {
      let frontier = [id];
      for (let step = 0; step < depth && frontier.length > 0; step++) {
        const following: string[] = [];
        for (const current of frontier) {
          for (const neighbour of next(current)) {
            if (this.byId.has(neighbour) && !seen.has(neighbour)) {
              seen.add(neighbour);
              following.push(neighbour);
            }
          }
        }
        frontier = following;
      }
    };
    walk((taskId) => this.upstreamOf(this.byId.get(taskId)!));
    walk((taskId) => this.downstreamOf(taskId));
    return seen;
  }
}

/** The edges along which time adds up: a child runs inside its parent's time, not after it. */
export function timedEdges<E extends { kind: EdgeKind }>(edges: readonly E[]): E[] {
  return edges.filter((edge) => edge.kind !== 'child');
}

/**
 * The chain with the longest total duration: where the time goes, so where the bottleneck is.
 * `durationOf` says what a task weighs (running tasks: their time so far; pending: 0). Among
 * equally long chains the one with more tasks wins, so a graph of pending tasks still shows
 * its longest chain.
 */
export function criticalPath(
  nodes: readonly { id: string }[],
  edges: readonly { source: string; target: string }[],
  durationOf: (id: string) => number,
): CriticalPath {
  const incoming = new Map<string, number>();
  const outgoing = new Map<string, string[]>();
  for (const node of nodes) {
    incoming.set(node.id, 0);
    outgoing.set(node.id, []);
  }
  for (const edge of edges) {
    if (!incoming.has(edge.source) || !incoming.has(edge.target)) continue;
    incoming.set(edge.target, incoming.get(edge.target)! + 1);
    outgoing.get(edge.source)!.push(edge.target);
  }
  // Longest path in a DAG: visit in topological order, keeping the best chain ending at each node.
  const best = new Map<string, { total: number; length: number; previous: string | null }>();
  const ready = [...incoming].filter(([, count]) => count === 0).map(([id]) => id);
  for (const id of ready) best.set(id, { total: Math.max(0, durationOf(id)), length: 1, previous: null });
  let end: string | null = null;
  for (let i = 0; i < ready.length; i++) {
    const id = ready[i];
    const here = best.get(id)!;
    if (end === null || isLonger(here, best.get(end)!)) end = id;
    for (const next of outgoing.get(id)!) {
      const candidate = { total: here.total + Math.max(0, durationOf(next)), length: here.length + 1, previous: id };
      const known = best.get(next);
      if (!known || isLonger(candidate, known)) best.set(next, candidate);
      const left = incoming.get(next)! - 1;
      incoming.set(next, left);
      if (left === 0) ready.push(next);
    }
  }
  if (end === null) return { task_ids: [], duration_ms: 0 };
  const chain: string[] = [];
  for (let at: string | null = end; at !== null; at = best.get(at)!.previous) chain.push(at);
  return { task_ids: chain.reverse(), duration_ms: best.get(end)!.total };
}

function isLonger(a: { total: number; length: number }, b: { total: number; length: number }): boolean {
  return a.total > b.total || (a.total === b.total && a.length > b.length);
}

/** The ids of a graph's scope among `links`' tasks, newest first, before truncation. */
export function scopeIds(links: TaskLinks, scope: GraphScope, now: number): string[] {
  const since = scope.within_hours === undefined ? -Infinity : now - scope.within_hours * 3600_000;
  const recent = (task: GraphTask): boolean => Date.parse(task.created_at) >= since;
  // Given together, the scopes narrow each other: a pipeline's tasks in a batch, a task's neighbours in a pipeline.
  const inGroups = (task: GraphTask): boolean =>
    (scope.pipeline === undefined || task.pipeline_id === scope.pipeline) && (scope.batch === undefined || task.batch_id === scope.batch);
  let chosen: GraphTask[];
  if (scope.task !== undefined) {
    chosen = [...links.neighbourhood(scope.task, scope.depth ?? DEFAULT_GRAPH_DEPTH)].map((id) => links.byId.get(id)!);
    // The task asked for is always drawn, however old and whatever its groups.
    chosen = chosen.filter((task) => task.id === scope.task || (recent(task) && inGroups(task)));
  } else if (scope.pipeline !== undefined || scope.batch !== undefined) {
    chosen = withFollowUps(links, [...links.byId.values()].filter((task) => recent(task) && inGroups(task)));
  } else {
    chosen = [...links.byId.values()].filter((task) => recent(task) && links.isLinked(task));
  }
  return chosen.sort((a, b) => b.created_at.localeCompare(a.created_at)).map((task) => task.id);
}

/** Members plus the follow-ups the system started from them (which carry no pipeline or batch id). */
function withFollowUps(links: TaskLinks, members: GraphTask[]): GraphTask[] {
  const chosen = new Map(members.map((task) => [task.id, task]));
  const queue = [...chosen.keys()];
  while (queue.length > 0) {
    const id = queue.pop()!;
    for (const downstreamId of links.downstreamOf(id)) {
      const downstream = links.byId.get(downstreamId)!;
      if (downstream.triggered_by === id && !chosen.has(downstreamId)) {
        chosen.set(downstreamId, downstream);
        queue.push(downstreamId);
      }
    }
  }
  return [...chosen.values()];
}

/** What a graph knows of a pipeline beyond its tasks' rows: its name, and the schedule that started it. */
export type PipelineOf = (id: string) => { name: string; schedule_id: string | null } | undefined;

/** The groups of `tasks`, each once, in the order first met: their pipelines, batches and schedules. */
export function graphGroups(tasks: Iterable<Pick<GraphNode, 'pipeline_id' | 'batch_id' | 'schedule_id'>>, pipelineOf: PipelineOf = () => undefined): GraphGroup[] {
  const groups = new Map<string, GraphGroup>();
  const add = (kind: GraphGroup['kind'], id: string, name: string, within: string | null): void => {
    if (!groups.has(`${kind}:${id}`)) groups.set(`${kind}:${id}`, { kind, id, name, within });
  };
  for (const task of tasks) {
    if (task.pipeline_id !== null) {
      const pipeline = pipelineOf(task.pipeline_id);
      const schedule = pipeline?.schedule_id ?? null;
      add('pipeline', task.pipeline_id, pipeline?.name ?? task.pipeline_id, schedule);
      if (schedule !== null) add('schedule', schedule, schedule, null);
    }
    if (task.batch_id !== null) add('batch', task.batch_id, task.batch_id, null);
    if (task.schedule_id !== null) add('schedule', task.schedule_id, task.schedule_id, null);
  }
  return [...groups.values()];
}

/**
 * The graph of a scope: nodes with their blocking failures, edges, the groups they belong to,
 * and the critical path. `durationOf` defaults to the served duration (running tasks: up to
 * when the row was served); `pipelineOf` names the pipelines (their ids otherwise).
 */
export function buildTaskGraph(
  tasks: Iterable<GraphTask>,
  scope: GraphScope,
  now: number,
  { durationOf = (task) => task.duration_ms ?? 0, pipelineOf }: { durationOf?: (task: GraphTask) => number; pipelineOf?: PipelineOf } = {},
): TaskGraph {
  const links = new TaskLinks(tasks);
  const ids = scopeIds(links, scope, now);
  const truncated = ids.length > MAX_GRAPH_NODES;
  const members = ids.slice(0, MAX_GRAPH_NODES).map((id) => links.byId.get(id)!);
  const edges = edgesAmong(members);
  const path = criticalPath(members, timedEdges(edges), (id) => durationOf(links.byId.get(id)!));
  const onPath = new Set(path.task_ids);
  const pathEdges = new Set(path.task_ids.slice(1).map((id, i) => `${path.task_ids[i]}\u0000${id}`));
  const blocked = new Map<string, string[]>();
  return {
    nodes: members.map((task) => ({
      ...nodeFields(task),
      blocked_by: links.blockedBy(task.id, blocked),
      critical: onPath.has(task.id),
    })),
    edges: edges.map((edge) => ({ ...edge, critical: pathEdges.has(`${edge.source}\u0000${edge.target}`) })),
    groups: graphGroups(members, pipelineOf),
    critical_path: path,
    truncated,
  };
}

/**
 * A cycle among tasks given as `key → keys it depends on`, as the list of keys that close it
 * (`[a, b, a]`), or undefined when there is none. Used to refuse a pipeline that could never run.
 */
export function findCycle(dependsOn: ReadonlyMap<string, readonly string[]>): string[] | undefined {
  // Depth-first with a stack of its own: a pipeline may be one chain of thousands of tasks.
  const state = new Map<string, 'visiting' | 'done'>();
  for (const start of dependsOn.keys()) {
    if (state.has(start)) continue;
    const path: string[] = [start];
    const next: number[] = [0];
    state.set(start, 'visiting');
    while (path.length > 0) {
      const key = path[path.length - 1];
      const upstreams = dependsOn.get(key) ?? [];
      const i = next[next.length - 1]++;
      if (i >= upstreams.length) {
        state.set(key, 'done');
        path.pop();
        next.pop();
        continue;
      }
      const upstream = upstreams[i];
      const seen = state.get(upstream);
      if (seen === 'visiting') return [...path.slice(path.indexOf(upstream)), upstream].reverse();
      if (seen === undefined) {
        state.set(upstream, 'visiting');
        path.push(upstream);
        next.push(0);
      }
    }
  }
  return undefined;
}
