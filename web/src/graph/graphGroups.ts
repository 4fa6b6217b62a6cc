import { isFailure, type GraphEdge, type GraphGroup, type GraphNode, type TaskGraph } from '../../../core/graph';
import { TASK_STATUSES, isFinished, type TaskStatus } from '../../../core/statuses';

/**
 * Groups of a graph (its pipelines, batches and schedules, as `GET /graph` lists them) collapsed
 * into one node each, with their tasks' counts, so a huge graph opens readable: a hundred
 * pipelines of a hundred tasks are a hundred nodes, each expanding on click. Pure functions:
 * the page lays out what `groupGraph` answers, and the model keeps the group nodes live.
 */

/** From this many tasks on, a graph opens with every group it can collapse collapsed. */
export const COLLAPSE_ABOVE = 1000;

/**
 * Which groups to draw collapsed: all of them but those the user expanded, or none; `auto` is all
 * in a big graph and none in a small one. A group that appears later follows the choice.
 */
export interface Collapse {
  groups: 'auto' | 'all' | 'none';
  expanded: ReadonlySet<string>;
}

export const AUTO_COLLAPSE: Collapse = { groups: 'auto', expanded: new Set() };

export const groupKey = (group: Pick<GraphGroup, 'kind' | 'id'>): string => `${group.kind}:${group.id}`;

/** A collapsed group's figures, as its node shows them. */
export interface GroupSummary {
  group: GraphGroup;
  total: number;
  /** How many of its tasks are in each status. */
  counts: Partial<Record<TaskStatus, number>>;
}

/** The tasks a collapsed group stands for, and which group node stands for each hidden task. */
export interface GroupBook {
  /** Each hidden task's group node (its key). */
  memberOf: ReadonlyMap<string, string>;
  /** Each group node's tasks, as last heard. */
  members: ReadonlyMap<string, readonly GraphNode[]>;
  /** Every group of the graph, collapsed or not, by key. */
  groups: ReadonlyMap<string, GraphGroup>;
}

export interface Grouping {
  /** The graph to draw: each collapsed group's tasks replaced by one node, edges between what is drawn. */
  graph: TaskGraph;
  book: GroupBook;
  /** The groups that can collapse: two tasks or more, not every task of the graph. */
  collapsible: readonly string[];
  /** Those collapsed (a group inside a collapsed one stays collapsed when that one expands). */
  collapsed: ReadonlySet<string>;
}

export const NO_GROUPS: GroupBook = { memberOf: new Map(), members: new Map(), groups: new Map() };

/**
 * Each task's own group (its pipeline, else its batch, else its schedule) and the group that
 * holds that one (a scheduled pipeline's schedule), as keys; each key string made once per
 * group, not once per task (50,000 tasks in 500 pipelines took 200 ms the first way).
 */
function groupsOf(nodes: readonly GraphNode[], groups: ReadonlyMap<string, GraphGroup>): { own: (string | undefined)[]; outer: (string | undefined)[] } {
  const keys = { pipeline: new Map<string, string>(), batch: new Map<string, string>(), schedule: new Map<string, string>() };
  const keyOf = (kind: GraphGroup['kind'], id: string): string => {
    let key = keys[kind].get(id);
    if (key === undefined) keys[kind].set(id, (key = `${kind}:${id}`));
    return key;
  };
  const own: (string | undefined)[] = new Array(nodes.length);
  const outer: (string | undefined)[] = new Array(nodes.length);
  for (let i = 0; i < nodes.length; i++) {
    const task = nodes[i];
    const key =
      task.pipeline_id !== null ? keyOf('pipeline', task.pipeline_id) : task.batch_id !== null ? keyOf('batch', task.batch_id) : task.schedule_id !== null ? keyOf('schedule', task.schedule_id) : undefined;
    own[i] = key;
    const within = key === undefined ? null : (groups.get(key)?.within ?? null);
    outer[i] = within === null ? undefined : keyOf('schedule', within);
  }
  return { own, outer };
}

export function groupGraph(graph: TaskGraph, collapse: Collapse): Grouping {
  const groups = new Map(graph.groups.map((group) => [groupKey(group), group]));
  const { own, outer } = groupsOf(graph.nodes, groups);
  const sizes = new Map<string, number>();
  for (const key of own) if (key !== undefined) sizes.set(key, (sizes.get(key) ?? 0) + 1);
  // A schedule holds its own tasks and those of its pipeline runs.
  for (const [key, size] of [...sizes]) {
    const within = groups.get(key)?.within;
    if (within) sizes.set(`schedule:${within}`, (sizes.get(`schedule:${within}`) ?? 0) + size);
  }
  const collapsible = [...sizes].filter(([key, size]) => groups.has(key) && size >= 2 && size < graph.nodes.length).map(([key]) => key);
  const all = collapse.groups === 'auto' ? graph.nodes.length >= COLLAPSE_ABOVE : collapse.groups === 'all';
  const collapsed = new Set(all ? collapsible.filter((key) => !collapse.expanded.has(key)) : []);
  if (collapsed.size === 0) return { graph, book: { ...NO_GROUPS, groups }, collapsible, collapsed };

  // Each task is drawn as itself or as the outermost collapsed group it is in.
  const memberOf = new Map<string, string>();
  const members = new Map<string, GraphNode[]>();
  graph.nodes.forEach((task, i) => {
    const key = outer[i] !== undefined && collapsed.has(outer[i]) ? outer[i] : own[i] !== undefined && collapsed.has(own[i]) ? own[i] : undefined;
    if (key === undefined) return;
    memberOf.set(task.id, key);
    const group = members.get(key);
    if (group) group.push(task);
    else members.set(key, [task]);
  });
  const drawnAs = (id: string): string => memberOf.get(id) ?? id;

  // A group's node stands where its first task was.
  const nodes: GraphNode[] = [];
  const placed = new Set<string>();
  for (const task of graph.nodes) {
    const key = memberOf.get(task.id);
    if (key === undefined) nodes.push(task.blocked_by.length === 0 ? task : { ...task, blocked_by: unique(task.blocked_by.map(drawnAs)) });
    else if (!placed.has(key)) {
      placed.add(key);
      nodes.push(groupNode(groups.get(key)!, members.get(key)!));
    }
  }
  const edges = new Map<string, GraphEdge>();
  for (const edge of graph.edges) {
    const source = drawnAs(edge.source);
    const target = drawnAs(edge.target);
    if (source === target) continue;
    const id = `${source}>${target}:${edge.kind}`;
    const known = edges.get(id);
    edges.set(id, { source, target, kind: edge.kind, critical: edge.critical || (known?.critical ?? false) });
  }
  const path = graph.critical_path.task_ids.map(drawnAs).filter((id, i, ids) => i === 0 || ids[i - 1] !== id);
  return {
    graph: { ...graph, nodes, edges: [...edges.values()], critical_path: { ...graph.critical_path, task_ids: path } },
    book: { memberOf, members, groups },
    collapsible,
    collapsed,
  };
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)];
}

export function summarize(group: GraphGroup, members: readonly GraphNode[]): GroupSummary {
  const counts: Partial<Record<TaskStatus, number>> = {};
  let total = 0;
  for (const task of members) {
    counts[task.status] = (counts[task.status] ?? 0) + 1;
    total += 1;
  }
  return { group, total, counts };
}

/** Failures a finished group shows, the most telling first. */
const FINISHED_ORDER: readonly TaskStatus[] = ['failed', 'timed_out', 'terminated', 'aborted', 'rejected', 'upstream_failed'];

/**
 * One status for a group: running while any task runs (or initializes), paused while one is
 * paused, then waiting states; a finished group is its worst failure, or completed.
 */
export function groupStatus(counts: Partial<Record<TaskStatus, number>>): TaskStatus {
  const has = (status: TaskStatus) => (counts[status] ?? 0) > 0;
  if (has('running') || has('initializing')) return 'running';
  if (has('paused')) return 'paused';
  const unfinished = (Object.keys(counts) as TaskStatus[]).filter((status) => !isFinished(status));
  if (unfinished.length > 0) return has('pending_approval') ? 'pending_approval' : has('assigning') ? 'assigning' : 'pending';
  return FINISHED_ORDER.find(has) ?? 'completed';
}

/**
 * A collapsed group as a node of the graph: its tasks' counts, their combined progress, and the
 * time from the first start to the last figure heard (so a running group's time ticks like a task's).
 */
export function groupNode(group: GraphGroup, tasks: readonly GraphNode[]): GraphNode {
  const { counts, total } = summarize(group, tasks);
  const status = groupStatus(counts);
  let created = tasks[0].created_at;
  let firstStart = Infinity;
  let lastHeard = -Infinity;
  let lastEnd = -Infinity;
  let progress = 0;
  let error: string | null = null;
  for (const task of tasks) {
    if (task.created_at < created) created = task.created_at;
    progress += task.progress;
    if (task.started_at !== null) {
      const start = Date.parse(task.started_at);
      firstStart = Math.min(firstStart, start);
      if (task.duration_ms !== null) lastHeard = Math.max(lastHeard, start + task.duration_ms);
    }
    if (task.end_date !== null) lastEnd = Math.max(lastEnd, Date.parse(task.end_date));
    if (error === null && isFailure(task.status)) error = task.error;
  }
  const started = Number.isFinite(firstStart);
  const ended = isFinished(status) && Number.isFinite(lastEnd);
  return {
    id: groupKey(group),
    name: group.name,
    task_type: group.kind,
    status,
    progress: Math.round(progress / total),
    message: countsText(counts),
    created_at: created,
    started_at: started ? new Date(firstStart).toISOString() : null,
    end_date: ended ? new Date(lastEnd).toISOString() : null,
    duration_ms: started ? Math.max(0, (ended ? Math.max(lastEnd, lastHeard) : lastHeard) - firstStart) : null,
    dataset: null,
    dataset_id: null,
    pipeline_id: group.kind === 'pipeline' ? group.id : null,
    batch_id: group.kind === 'batch' ? group.id : null,
    schedule_id: group.kind === 'schedule' ? group.id : null,
    error,
    blocked_by: [],
    critical: tasks.some((task) => task.critical),
  };
}

/** "8 completed, 2 running, 1 failed": the statuses present, the most tasks first (ties in the statuses' order). */
export function countsText(counts: Partial<Record<TaskStatus, number>>): string {
  return TASK_STATUSES.filter((status) => counts[status])
    .map((status): [TaskStatus, number] => [status, counts[status]!])
    .sort((a, b) => b[1] - a[1])
    .map(([status, n]) => `${n} ${status.replace('_', ' ')}`)
    .join(', ');
}
