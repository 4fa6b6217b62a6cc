import { MarkerType, Position, type EdgeBase, type NodeBase } from '@xyflow/system';
import { TaskLinks, criticalPath, isFailure, nodeFields, type CriticalPath, type GraphEdge, type GraphNode, type GraphScope, type GraphTask, type TaskGraph } from '../../../core/graph';
import { STATUS_LABEL, isFinished } from '../../../core/statuses';
import type { TaskRecord } from '../api/types';
import { durationAt } from '../lib/duration';
import { NODE_HEIGHT, NODE_WIDTH, type LayoutInput, type LayoutResult } from './elkLayout';
import { CRITICAL_COLOUR, EDGE_COLOUR } from './graphColours';
import { NO_GROUPS, groupNode, summarize, type GroupBook, type GroupSummary, type Grouping } from './graphGroups';
import { spatialGrid, type SpatialGrid } from './spatialGrid';

/**
 * The graph page's view model: `GET /graph` turned into React Flow nodes and edges, and kept
 * live from `/events`. Pure functions; the page holds the model in state.
 *
 * A status change rewrites a node's data but never its position: positions come from the
 * layout alone, which only a change of structure (a task or an edge more or less) redoes.
 */
export interface TaskNodeData extends Record<string, unknown> {
  task: GraphNode;
  /** When the task's figures were served, so a running task's duration can tick from there. */
  receivedAt: number;
  /** Why the task cannot run: the failed upstream tasks that block it, named; null when none. */
  blockedReason: string | null;
  /** On a collapsed group's node: the group and its tasks' counts (`task` is then the group as one task). */
  group?: GroupSummary;
}

// React Flow's node and edge as far as this model fills them. From @xyflow/system rather than
// @xyflow/react, so the model stays free of React and its unit tests of the DOM library.
export type TaskFlowNode = NodeBase<TaskNodeData, 'task' | 'group'> & { className?: string };
export type TaskFlowEdge = EdgeBase<{ kind: GraphEdge['kind'] }> & { className?: string };

export interface GraphModel {
  nodes: TaskFlowNode[];
  edges: TaskFlowEdge[];
  criticalPath: CriticalPath;
  truncated: boolean;
  /** Each drawn task's index in `nodes`. */
  index: ReadonlyMap<string, number>;
  /** Each drawn task's upstream edges, as core's GraphTask wants them. */
  upstream: ReadonlyMap<string, { depends_on: string[]; triggered_by: string | null; parent_id: string | null }>;
  /** Blocking failures the server named that are not drawn (beyond a neighbourhood's depth). */
  blockersOutside: ReadonlyMap<string, string[]>;
  /** Task i's top-left corner, as laid out (the nodes' positions, in arrays). */
  x: Float64Array;
  y: Float64Array;
  /** Where the tasks and edges lie; edge i of the grid is `edges[i]`. */
  grid: SpatialGrid;
  /** The collapsed groups' tasks, drawn as one node each. */
  book: GroupBook;
  /** The groups that can collapse, and those collapsed. */
  collapsible: readonly string[];
  collapsed: ReadonlySet<string>;
}

/** A graph drawn without collapsing anything. */
const UNGROUPED: Pick<Grouping, 'book' | 'collapsible' | 'collapsed'> = { book: NO_GROUPS, collapsible: [], collapsed: new Set() };

/** A layout as the worker answers it: the positions, and the grid it built from them. */
export type PlacedLayout = LayoutResult & { grid?: SpatialGrid };

/** The graph's structure as the layout worker takes it. */
export function layoutInput(graph: Pick<TaskGraph, 'nodes' | 'edges'>): LayoutInput {
  const ids = graph.nodes.map((node) => node.id);
  const index = new Map(ids.map((id, i) => [id, i]));
  const edges: [number, number][] = [];
  for (const edge of graph.edges) {
    const source = index.get(edge.source);
    const target = index.get(edge.target);
    if (source !== undefined && target !== undefined) edges.push([source, target]);
  }
  return { ids, edges };
}

/** A key that two graphs share exactly when they have the same tasks and edges, so one layout serves both. */
export function structureKey(graph: Pick<TaskGraph, 'nodes' | 'edges'>): string {
  const ids = graph.nodes.map((node) => node.id).sort();
  const edges = graph.edges.map((edge) => `${edge.source}>${edge.target}:${edge.kind}`).sort();
  return `${ids.join(',')}|${edges.join(',')}`;
}

/** Where edges meet a node: given up front, so edges draw before React Flow measures the node. */
const HANDLES = [
  { type: 'target' as const, position: Position.Left, x: 0, y: NODE_HEIGHT / 2, width: 1, height: 1 },
  { type: 'source' as const, position: Position.Right, x: NODE_WIDTH - 1, y: NODE_HEIGHT / 2, width: 1, height: 1 },
];

/** `graph` as laid out; `grouping` says which of its nodes are collapsed groups (groupGraph's answer). */
export function buildModel(graph: TaskGraph, layout: PlacedLayout, receivedAt: number, grouping = UNGROUPED): GraphModel {
  const { book } = grouping;
  const index = new Map(graph.nodes.map((node, i) => [node.id, i]));
  const names = new Map(graph.nodes.map((node) => [node.id, node]));
  const nodes = graph.nodes.map((task, i): TaskFlowNode => {
    const members = book.members.get(task.id);
    return {
      id: task.id,
      type: members ? 'group' : 'task',
      position: { x: layout.x[i], y: layout.y[i] },
      data: { task, receivedAt, blockedReason: blockedReason(task.blocked_by, names), ...(members && { group: summarize(book.groups.get(task.id)!, members) }) },
      width: NODE_WIDTH,
      height: NODE_HEIGHT,
      handles: HANDLES,
      sourcePosition: Position.Right,
      targetPosition: Position.Left,
      className: nodeClassName(task),
    };
  });
  const upstream = new Map(graph.nodes.map((node) => [node.id, { depends_on: [] as string[], triggered_by: null as string | null, parent_id: null as string | null }]));
  for (const edge of graph.edges) {
    const entry = upstream.get(edge.target);
    if (!entry || !index.has(edge.source)) continue;
    if (edge.kind === 'depends_on') entry.depends_on.push(edge.source);
    else if (edge.kind === 'child') entry.parent_id = edge.source;
    else entry.triggered_by = edge.source;
  }
  const blockersOutside = new Map<string, string[]>();
  for (const node of graph.nodes) {
    const outside = node.blocked_by.filter((id) => !index.has(id));
    if (outside.length > 0) blockersOutside.set(node.id, outside);
  }
  return {
    nodes,
    edges: graph.edges.filter((edge) => index.has(edge.source) && index.has(edge.target)).map(toFlowEdge),
    criticalPath: graph.critical_path,
    truncated: graph.truncated,
    index,
    upstream,
    blockersOutside,
    x: layout.x,
    y: layout.y,
    // Its edges are layoutInput's, in the order of the model's.
    grid: layout.grid ?? spatialGrid(layout.x, layout.y, layoutInput(graph).edges),
    book,
    collapsible: grouping.collapsible,
    collapsed: grouping.collapsed,
  };
}

/** The graph's tasks, those in collapsed groups included. */
export function* allTasks(model: Pick<GraphModel, 'nodes' | 'book'>): Generator<GraphNode> {
  for (const node of model.nodes) {
    const members = model.book.members.get(node.id);
    if (members) yield* members;
    else yield node.data.task;
  }
}

function toFlowEdge(edge: GraphEdge): TaskFlowEdge {
  return {
    id: `${edge.source}>${edge.target}:${edge.kind}`,
    source: edge.source,
    target: edge.target,
    data: { kind: edge.kind },
    className: edgeClassName(edge.kind, edge.critical),
    // Critical edges are drawn over the others where they cross.
    zIndex: edge.critical ? 1 : 0,
    markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16, color: edge.critical ? CRITICAL_COLOUR : EDGE_COLOUR },
  };
}

export function edgeClassName(kind: GraphEdge['kind'], critical: boolean): string {
  return [`edge-${kind}`, critical ? 'edge-critical' : ''].filter(Boolean).join(' ');
}

/** Classes on React Flow's own node wrapper, which the minimap also reads for its colours. */
export function nodeClassName(task: Pick<GraphNode, 'status' | 'blocked_by' | 'critical'>): string {
  return ['task-node-wrapper', `status-${task.status}`, task.blocked_by.length > 0 ? 'is-blocked' : '', task.critical ? 'is-critical' : '']
    .filter(Boolean)
    .join(' ');
}

function blockedReason(blockedBy: readonly string[], nodes: ReadonlyMap<string, GraphNode>): string | null {
  if (blockedBy.length === 0) return null;
  const named = blockedBy.map((id) => {
    const node = nodes.get(id);
    return node ? `${node.name ?? `${node.task_type} ${id.slice(0, 8)}`} (${STATUS_LABEL[node.status].toLowerCase()})` : id;
  });
  return `Blocked by failed upstream ${named.length === 1 ? 'task' : 'tasks'}: ${named.join(', ')}`;
}

/** The figures of a task row that a graph node shows. */
function patchTask(node: GraphNode, row: TaskRecord): GraphNode {
  return { ...node, ...nodeFields(row) };
}

/**
 * Whether a task row changes what is drawn, not only how: a new task of the pipeline or batch,
 * a new task with an edge to a drawn one (a follow-up reindex, a task depending on a drawn
 * one), or a drawn task whose edges differ. Such a change needs a refetch and a new layout.
 */
export function isStructural(model: GraphModel, row: TaskRecord, scope: GraphScope): boolean {
  // A task in a collapsed group only changes its group's counts (a task's edges are set at its start).
  if (model.book.memberOf.has(row.id)) return false;
  const known = model.upstream.get(row.id);
  if (known) {
    // Upstream tasks in a collapsed group are drawn as the group.
    const drawn = (id: string | null): string | null => (id === null ? null : (drawnAs(model, id) ?? null));
    const triggeredBy = drawn(row.triggered_by);
    const parent = row.parent_id !== row.triggered_by ? drawn(row.parent_id) : null;
    const dependsOn = [...new Set(row.depends_on.map(drawn).filter((id) => id !== null))];
    return triggeredBy !== known.triggered_by || parent !== known.parent_id || !sameMembers(dependsOn, known.depends_on);
  }
  if (scope.pipeline !== undefined) return row.pipeline_id === scope.pipeline || linksToDrawn(model, row);
  if (scope.batch !== undefined) return row.batch_id === scope.batch || linksToDrawn(model, row);
  if (scope.task !== undefined) return linksToDrawn(model, row);
  return row.depends_on.length > 0 || row.triggered_by !== null || linksToDrawn(model, row);
}

function linksToDrawn(model: GraphModel, row: TaskRecord): boolean {
  const drawn = (id: string | null) => id !== null && drawnAs(model, id) !== undefined;
  return drawn(row.triggered_by) || drawn(row.parent_id) || row.depends_on.some(drawn);
}

/** The node a task is drawn as: itself, or the collapsed group it is in; undefined when not drawn. */
export function drawnAs(model: Pick<GraphModel, 'index' | 'book'>, id: string): string | undefined {
  return model.index.has(id) ? id : model.book.memberOf.get(id);
}

function sameMembers(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const set = new Set(a);
  return b.every((id) => set.has(id));
}

/**
 * Applies task rows from `/events` to the drawn nodes, then recomputes the overlays that depend
 * on statuses and durations (what blocks what, the critical path) with core's own functions.
 * Nodes and edges that do not change keep their identity, and no position ever changes. A
 * finished task never goes back to an unfinished status: such a row is older than the node.
 */
export function applyTaskRows(model: GraphModel, rows: readonly TaskRecord[], receivedAt: number): GraphModel {
  const nodes = [...model.nodes];
  let touched = false;
  // The collapsed groups whose tasks changed: their members, copied once.
  const regrouped = new Map<string, GraphNode[]>();
  for (const row of rows) {
    const group = model.book.memberOf.get(row.id);
    if (group !== undefined) {
      const members = regrouped.get(group) ?? [...model.book.members.get(group)!];
      const at = members.findIndex((member) => member.id === row.id);
      if (isFinished(members[at].status) && !isFinished(row.status)) continue;
      members[at] = patchTask(members[at], row);
      regrouped.set(group, members);
      continue;
    }
    const i = model.index.get(row.id);
    if (i === undefined) continue;
    const current = nodes[i];
    if (isFinished(current.data.task.status) && !isFinished(row.status)) continue;
    nodes[i] = { ...current, data: { ...current.data, task: patchTask(current.data.task, row), receivedAt } };
    touched = true;
  }
  let book = model.book;
  if (regrouped.size > 0) {
    const members = new Map(book.members);
    for (const [key, group] of regrouped) {
      members.set(key, group);
      const i = model.index.get(key)!;
      const info = book.groups.get(key)!;
      nodes[i] = { ...nodes[i], data: { ...nodes[i].data, task: groupNode(info, group), group: summarize(info, group), receivedAt } };
    }
    book = { ...book, members };
    touched = true;
  }
  if (!touched) return model;
  return withOverlays({ ...model, book }, nodes, receivedAt);
}

/** Recomputes blocked-by and the critical path over `nodes` (the model's, possibly patched) at `now`. */
export function withOverlays(model: GraphModel, nodes: TaskFlowNode[], now: number): GraphModel {
  const tasks: GraphTask[] = nodes.map((node) => {
    const { blocked_by: _blocked, critical: _critical, ...task } = node.data.task;
    const links = model.upstream.get(node.id)!;
    return { ...task, depends_on: links.depends_on, triggered_by: links.triggered_by, parent_id: links.parent_id };
  });
  const links = new TaskLinks(tasks);
  const memo = new Map<string, string[]>();
  const path = criticalPath(nodes, model.edges.filter((edge) => edge.data!.kind !== 'child'), (id) => {
    const data = nodes[model.index.get(id)!].data;
    return durationAt(data.task, data.receivedAt, now) ?? 0;
  });
  const onPath = new Set(path.task_ids);
  const pathEdges = new Set(path.task_ids.slice(1).map((id, i) => `${path.task_ids[i]}>${id}`));
  const byId = new Map(nodes.map((node) => [node.id, node.data.task]));

  const next = nodes.map((node) => {
    const task = node.data.task;
    const settled = task.status === 'completed' || isFailure(task.status);
    const blocked = settled ? [] : [...new Set([...links.blockedBy(node.id, memo), ...(model.blockersOutside.get(node.id) ?? [])])].sort();
    const critical = onPath.has(node.id);
    if (critical === task.critical && sameList(blocked, task.blocked_by)) {
      // Unchanged overlays: a node the rows did not touch keeps its identity.
      const className = nodeClassName(task);
      return className === node.className ? node : { ...node, className };
    }
    const patched = { ...task, blocked_by: blocked, critical };
    return { ...node, className: nodeClassName(patched), data: { ...node.data, task: patched, blockedReason: blockedReason(blocked, byId) } };
  });
  const edges = model.edges.map((edge) => {
    const critical = pathEdges.has(`${edge.source}>${edge.target}`);
    const className = edgeClassName(edge.data!.kind, critical);
    return className === edge.className ? edge : toFlowEdge({ source: edge.source, target: edge.target, kind: edge.data!.kind, critical });
  });
  return { ...model, nodes: next, edges, criticalPath: path };
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}
