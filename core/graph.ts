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
 * such an answer takes the API seconds of work (in steps between its other requests: row 11),
 * which this bound keeps from growing further.
 */
export const MAX_GRAPH_NODES = 50_000;
export const DEFAULT_GRAPH_DEPTH = 2;
/** Tasks one step of `taskGraphSteps` goes through (tens of milliseconds at most). */
const TASKS_PER_STEP = 5000;
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
  return allSteps(edgeSteps(tasks));
}

function* edgeSteps(tasks: Iterable<GraphTask>): Generator<void, Omit<GraphEdge, 'critical'>[]> {
  const byId = new Map<string, GraphTask>();
  for (const task of tasks) byId.set(task.id, task);
  yield;
  const edges: Omit<GraphEdge, 'critical'>[] = [];
  let n = 0;
  for (const task of byId.values()) {
    if (++n % TASKS_PER_STEP === 0) yield;
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

  constructor(tasks: Iterable<GraphTask> = []) {
    allSteps(this.add(tasks));
  }

  /** The links of `tasks`, made TASKS_PER_STEP tasks a step (see taskGraphSteps). */
  static *made(tasks: Iterable<GraphTask>): Generator<void, TaskLinks> {
    const links = new TaskLinks();
    yield* links.add(tasks);
    return links;
  }

  private *add(tasks: Iterable<GraphTask>): Generator<void> {
    let n = 0;
    for (const task of tasks) {
      this.byId.set(task.id, task);
      if (++n % TASKS_PER_STEP === 0) yield;
    }
    for (const task of this.byId.values()) {
      for (const upstream of this.upstreamOf(task)) {
        const list = this.downstream.get(upstream);
        if (list) list.push(task.id);
        else this.downstream.set(upstream, [task.id]);
      }
      if (++n % TASKS_PER_STEP === 0) yield;
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
      memo.set(current, this.causes(task, through, memo));
      stack.pop();
    }
    return memo.get(id)!;
  }

  /**
   * The failed tasks right upstream and the causes of the tasks `through` which failures block:
   * sorted, each once. Behind one unfinished task and no failure of its own a task shares that
   * task's list (the lists of a long pending chain are one list, not a copy per task).
   */
  private causes(task: GraphTask, through: readonly string[], memo: ReadonlyMap<string, string[]>): string[] {
    const failed = task.depends_on.filter((upstreamId) => {
      const upstream = this.byId.get(upstreamId);
      return upstream !== undefined && isFailure(upstream.status);
    });
    if (failed.length === 0 && through.length === 1) return memo.get(through[0]) ?? [];
    const causes = new Set(failed);
    for (const upstreamId of through) for (const cause of memo.get(upstreamId) ?? []) causes.add(cause);
    return [...causes].sort();
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
  return allSteps(criticalPathSteps(nodes, edges, durationOf));
}

function* criticalPathSteps(
  nodes: readonly { id: string }[],
  edges: readonly { source: string; target: string }[],
  durationOf: (id: string) => number,
): Generator<void, CriticalPath> {
  // By position, in typed arrays: a map entry and an object per task and per edge cost half a second at 50,000 tasks.
  const n = nodes.length;
  const at = new Map<string, number>();
  nodes.forEach((node, i) => at.set(node.id, i));
  yield;
  const incoming = new Int32Array(n);
  const from: number[] = [];
  const to: number[] = [];
  for (const edge of edges) {
    const source = at.get(edge.source);
    const target = at.get(edge.target);
    if (source === undefined || target === undefined) continue;
    incoming[target] += 1;
    from.push(source);
    to.push(target);
    if (from.length % TASKS_PER_STEP === 0) yield;
  }
  yield;
  // Each task's outgoing edges, in the order given, as slices of one array.
  const firstOut = new Int32Array(n + 1);
  for (const source of from) firstOut[source + 1] += 1;
  for (let i = 0; i < n; i++) firstOut[i + 1] += firstOut[i];
  const outgoing = new Int32Array(from.length);
  const filled = firstOut.slice(0, n);
  from.forEach((source, k) => (outgoing[filled[source]++] = to[k]));
  // Longest path in a DAG: visit in topological order, keeping the best chain ending at each node.
  const weight = Float64Array.from(nodes, (node) => Math.max(0, durationOf(node.id)));
  const total = new Float64Array(n);
  const length = new Int32Array(n);
  const previous = new Int32Array(n).fill(-1);
  const ready: number[] = [];
  for (let i = 0; i < n; i++) {
    if (incoming[i] > 0) continue;
    ready.push(i);
    total[i] = weight[i];
    length[i] = 1;
  }
  const longer = (a: number, aLength: number, b: number, bLength: number) => a > b || (a === b && aLength > bLength);
  let end = -1;
  for (let r = 0; r < ready.length; r++) {
    const i = ready[r];
    if (end === -1 || longer(total[i], length[i], total[end], length[end])) end = i;
    for (let k = firstOut[i]; k < firstOut[i + 1]; k++) {
      const next = outgoing[k];
      const candidate = total[i] + weight[next];
      // length 0: not reached yet.
      if (length[next] === 0 || longer(candidate, length[i] + 1, total[next], length[next])) {
        total[next] = candidate;
        length[next] = length[i] + 1;
        previous[next] = i;
      }
      if (--incoming[next] === 0) ready.push(next);
    }
  }
  if (end === -1) return { task_ids: [], duration_ms: 0 };
  const chain: string[] = [];
  for (let i = end; i !== -1; i = previous[i]) chain.push(nodes[i].id);
  return { task_ids: chain.reverse(), duration_ms: total[end] };
}

/** The ids of a graph's scope among `links`' tasks, newest first, before truncation. */
export function scopeIds(links: TaskLinks, scope: GraphScope, now: number): string[] {
  return allSteps(scopeSteps(links, scope, now));
}

function* scopeSteps(links: TaskLinks, scope: GraphScope, now: number): Generator<void, string[]> {
  const since = scope.within_hours === undefined ? undefined : now - scope.within_hours * 3600_000;
  const recent = (task: GraphTask): boolean => since === undefined || Date.parse(task.created_at) >= since;
  // Given together, the scopes narrow each other: a pipeline's tasks in a batch, a task's neighbours in a pipeline.
  const inGroups = (task: GraphTask): boolean =>
    (scope.pipeline === undefined || task.pipeline_id === scope.pipeline) && (scope.batch === undefined || task.batch_id === scope.batch);
  let chosen: GraphTask[];
  if (scope.task !== undefined) {
    chosen = [...links.neighbourhood(scope.task, scope.depth ?? DEFAULT_GRAPH_DEPTH)].map((id) => links.byId.get(id)!);
    // The task asked for is always drawn, however old and whatever its groups.
    chosen = chosen.filter((task) => task.id === scope.task || (recent(task) && inGroups(task)));
  } else if (scope.pipeline !== undefined || scope.batch !== undefined) {
    const members = [...links.byId.values()].filter((task) => recent(task) && inGroups(task));
    yield;
    chosen = yield* withFollowUps(links, members);
  } else {
    chosen = [...links.byId.values()].filter((task) => recent(task) && links.isLinked(task));
  }
  yield;
  // Timestamps of one ISO format order as their characters do; localeCompare's collation cost a second at 50,000 tasks.
  return chosen.sort((a, b) => (a.created_at < b.created_at ? 1 : a.created_at > b.created_at ? -1 : 0)).map((task) => task.id);
}

/** Members plus the follow-ups the system started from them (which carry no pipeline or batch id). */
function* withFollowUps(links: TaskLinks, members: GraphTask[]): Generator<void, GraphTask[]> {
  const chosen = new Map(members.map((task) => [task.id, task]));
  const queue = [...chosen.keys()];
  for (let n = 1; queue.length > 0; n++) {
    if (n % TASKS_PER_STEP === 0) yield;
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
    // Each pipeline looked up once, not once per task of it.
    if (task.pipeline_id !== null && !groups.has(`pipeline:${task.pipeline_id}`)) {
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
 * A graph of a scope in parts: its tasks, edges and critical path, and each node made when asked.
 * Nodes are most of the answer (what blocks each task), so a server can make and write them a few
 * at a time; in the order of `members` they are `buildTaskGraph`'s nodes.
 */
export interface TaskGraphParts {
  members: readonly GraphTask[];
  edges: GraphEdge[];
  groups: GraphGroup[];
  critical_path: CriticalPath;
  truncated: boolean;
  node: (task: GraphTask) => GraphNode;
}

/**
 * `durationOf` says what a task weighs on the critical path (by default its served duration:
 * running tasks up to when the row was served); `pipelineOf` names the pipelines (their ids otherwise).
 */
export interface GraphOptions {
  durationOf?: (task: GraphTask) => number;
  pipelineOf?: PipelineOf;
}

/** What a generator of steps returns, its steps run one after another. */
export function allSteps<T>(steps: Generator<void, T>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * The parts of a graph, a step at a time: each `next()` does one pass over the tasks or edges
 * (tens to hundreds of milliseconds at 50,000 tasks), so a server can let other requests run in
 * between. The tasks are read in the first step only.
 */
export function* taskGraphSteps(
  tasks: Iterable<GraphTask>,
  scope: GraphScope,
  now: number,
  { durationOf = (task) => task.duration_ms ?? 0, pipelineOf }: GraphOptions = {},
): Generator<void, TaskGraphParts> {
  const links = yield* TaskLinks.made(tasks);
  yield;
  const ids = yield* scopeSteps(links, scope, now);
  const truncated = ids.length > MAX_GRAPH_NODES;
  const members = ids.slice(0, MAX_GRAPH_NODES).map((id) => links.byId.get(id)!);
  yield;
  const edges = yield* edgeSteps(members);
  yield;
  const path = yield* criticalPathSteps(members, timedEdges(edges), (id) => durationOf(links.byId.get(id)!));
  yield;
  const onPath = new Set(path.task_ids);
  // The path visits a task once, so its edges are each task's next one.
  const nextOnPath = new Map(path.task_ids.slice(0, -1).map((id, i) => [id, path.task_ids[i + 1]]));
  yield;
  const critical: GraphEdge[] = [];
  for (const edge of edges) {
    critical.push({ ...edge, critical: nextOnPath.get(edge.source) === edge.target });
    if (critical.length % TASKS_PER_STEP === 0) yield;
  }
  yield;
  // What blocks each task, oldest first (upstream tasks are older), so no one step walks a whole chain.
  const blocked = new Map<string, string[]>();
  for (let i = members.length - 1; i >= 0; i--) {
    links.blockedBy(members[i].id, blocked);
    if (i % TASKS_PER_STEP === 0) yield;
  }
  const groups = graphGroups(members, pipelineOf);
  yield;
  return {
    members,
    edges: critical,
    groups,
    critical_path: path,
    truncated,
    node: (task) => ({
      ...nodeFields(task),
      blocked_by: links.blockedBy(task.id, blocked),
      critical: onPath.has(task.id),
    }),
  };
}

/** The graph of a scope: nodes with their blocking failures, edges, the groups they belong to, and the critical path. */
export function buildTaskGraph(
  tasks: Iterable<GraphTask>,
  scope: GraphScope,
  now: number,
  options: GraphOptions = {},
): TaskGraph {
  const parts = allSteps(taskGraphSteps(tasks, scope, now, options));
  return { nodes: parts.members.map(parts.node), edges: parts.edges, groups: parts.groups, critical_path: parts.critical_path, truncated: parts.truncated };
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
