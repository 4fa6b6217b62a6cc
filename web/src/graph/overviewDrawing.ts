import type { TaskStatus } from '../../../core/statuses';
import { NODE_HEIGHT, NODE_WIDTH } from './elkLayout';
import { CRITICAL_COLOUR, type TaskFlowEdge, type TaskFlowNode } from './graphModel';
import type { Bounds } from './viewport';

/** Drawing a graph on a canvas (the far-out view and the minimap): the table's status palette, filled. */
const FILL: Partial<Record<TaskStatus, string>> = {
  running: '#1d5fd6',
  initializing: '#6b3fc4',
  completed: '#9ed3ae',
  failed: '#b42318',
  timed_out: '#b42318',
  upstream_failed: '#f2b8b2',
  paused: '#e0a030',
  pending_approval: '#e0a030',
  assigning: '#b9a6e8',
  aborted: '#c9b08a',
  rejected: '#c9b08a',
  terminated: '#c9b08a',
};
const PENDING_FILL = '#d5dae3';
const EDGE = 'rgba(120, 130, 150, 0.45)';

export function statusFill(status: TaskStatus): string {
  return FILL[status] ?? PENDING_FILL;
}

/** Draws the tasks and edges that meet `view` (graph coordinates); the context maps graph to screen. */
export function drawGraph(context: CanvasRenderingContext2D, nodes: readonly TaskFlowNode[], edges: readonly TaskFlowEdge[], view: Bounds, zoom: number): void {
  const inView = (x: number, y: number) => x + NODE_WIDTH >= view.x && x <= view.x + view.width && y + NODE_HEIGHT >= view.y && y <= view.y + view.height;
  const byId = new Map(nodes.map((node) => [node.id, node]));
  // Edges first, plain ones in one path (one stroke call), the critical path over them.
  const critical: [TaskFlowNode, TaskFlowNode][] = [];
  context.beginPath();
  for (const edge of edges) {
    const source = byId.get(edge.source);
    const target = byId.get(edge.target);
    if (!source || !target) continue;
    if (edge.className?.includes('edge-critical')) {
      critical.push([source, target]);
      continue;
    }
    const left = source.position.x + NODE_WIDTH;
    const top = Math.min(source.position.y, target.position.y);
    const bottom = Math.max(source.position.y, target.position.y) + NODE_HEIGHT;
    if (left > view.x + view.width || target.position.x < view.x || top > view.y + view.height || bottom < view.y) continue;
    line(context, source, target);
  }
  context.lineWidth = 1 / zoom;
  context.strokeStyle = EDGE;
  context.stroke();
  context.beginPath();
  for (const [source, target] of critical) line(context, source, target);
  context.lineWidth = 2.5 / zoom;
  context.strokeStyle = CRITICAL_COLOUR;
  context.stroke();

  fillTasks(context, nodes.filter((node) => inView(node.position.x, node.position.y)), 0);
}

/** Tasks as boxes in their status colour, grouped so each colour is one fill; at least `minSize` graph units. */
export function fillTasks(context: CanvasRenderingContext2D, nodes: readonly TaskFlowNode[], minSize: number): void {
  const byColour = new Map<string, TaskFlowNode[]>();
  for (const node of nodes) {
    const colour = statusFill(node.data.task.status);
    const list = byColour.get(colour);
    if (list) list.push(node);
    else byColour.set(colour, [node]);
  }
  const width = Math.max(NODE_WIDTH, minSize);
  const height = Math.max(NODE_HEIGHT, minSize);
  for (const [colour, list] of byColour) {
    context.fillStyle = colour;
    context.beginPath();
    for (const node of list) context.rect(node.position.x, node.position.y, width, height);
    context.fill();
  }
}

function line(context: CanvasRenderingContext2D, source: TaskFlowNode, target: TaskFlowNode) {
  const x1 = source.position.x + NODE_WIDTH;
  const y1 = source.position.y + NODE_HEIGHT / 2;
  const x2 = target.position.x;
  const y2 = target.position.y + NODE_HEIGHT / 2;
  const bend = (x2 - x1) / 2;
  context.moveTo(x1, y1);
  context.bezierCurveTo(x1 + bend, y1, x2 - bend, y2, x2, y2);
}
