import { Background, ControlButton, Controls, Panel, ReactFlow, ReactFlowProvider, useStoreApi, type ReactFlowInstance, type Viewport } from '@xyflow/react';
import '@xyflow/react/dist/base.css';
import { startTransition, useEffect, useLayoutEffect, useMemo, useRef, useState, type MouseEvent } from 'react';
import { useNavigate } from 'react-router';
import { typeLabel, useTaskTypes } from '../lib/taskTypes';
import './graph.css';
import { drawnAs, type GraphModel, type TaskFlowEdge, type TaskFlowNode } from './graphModel';
import { GraphEdges } from './GraphEdges';
import { GroupNode } from './GroupNode';
import { GraphMiniMap } from './GraphMiniMap';
import { GraphOverview, useRaster } from './GraphOverview';
import { drawingOf } from './overviewDrawing';
import { graphWindow, needsNewWindow, nodeAt, visibleArea, windowBasis } from './graphWindow';
import { DETAIL_ZOOM, TaskNode, TaskNodeContext, taskPage } from './TaskNode';
import { fitViewport, graphBounds, initialViewport, type Bounds } from './viewport';

/** Node types at module scope: a new object on each render would make React Flow re-mount every node. */
const nodeTypes = { task: TaskNode, group: GroupNode };
const NO_NODES: TaskFlowNode[] = [];
const NO_EDGES: TaskFlowEdge[] = [];
const MIN_ZOOM = 0.02;

export const FIRST_PAINT_MEASURE = 'taskdeck:graph-first-paint';
/**
 * From this many tasks on, React Flow gets only a window of the graph's tasks around the view
 * (graphWindow.ts) and none of its edges, which a canvas under the nodes draws (GraphEdges);
 * zooming out past the detail zoom draws the whole graph on a canvas instead of as DOM nodes
 * (GraphOverview). Measured in headless Chromium: with 5,000 DOM nodes and 6,400 SVG edges on
 * screen every pan frame was a 300-1,100 ms main-thread task, and handing React Flow all 5,000
 * nodes again when zooming back in froze the page for 450 ms; at 50,000 tasks in the bench's
 * layered shape a window's edges were a thousand SVG paths that brought 800 tasks from far away
 * for their ends, and React Flow took 150-200 ms at each new window.
 */
export const BIG_GRAPH_NODES = 400;

interface Props {
  model: GraphModel;
  /** When the graph was asked for: the first paint is measured from here. */
  requestedAt: number;
  /** The task a small graph is drawn around, outlined. */
  focusId?: string;
  /** Without the minimap and legend, for the small graph of a task's page. */
  compact?: boolean;
  /** Where a click on a node leads; the node's task page by default. */
  linkOf?: (id: string) => string;
  /** Expands a collapsed group, whose node a click hits. */
  onExpandGroup?: (key: string) => void;
  /** A group just expanded and its tasks: once they are drawn (not as that group), the view moves to the first. */
  reveal?: { key: string; ids: readonly string[] };
}


/**
 * The drawing: React Flow with fixed-size task nodes, pan, zoom, fit view and a minimap. Only
 * what is on screen is rendered, nodes turn into plain boxes when zoomed out, and a big graph
 * seen from far out is one canvas, so thousands of tasks pan and zoom without freezing.
 */
export function TaskGraphView(props: Props) {
  // A provider of its own, so the drawing reaches React Flow's store (see `follow`).
  return (
    <ReactFlowProvider>
      <TaskGraphDrawing {...props} />
    </ReactFlowProvider>
  );
}

function TaskGraphDrawing({ model, requestedAt, focusId, compact = false, linkOf = taskPage, onExpandGroup, reveal }: Props) {
  const { types } = useTaskTypes();
  const store = useStoreApi<TaskFlowNode, TaskFlowEdge>();
  const [detailed, setDetailed] = useState(true);
  const navigate = useNavigate();
  const container = useRef<HTMLDivElement>(null);
  const flow = useRef<ReactFlowInstance<TaskFlowNode, TaskFlowEdge> | null>(null);
  const painted = useRef(false);
  const big = model.nodes.length >= BIG_GRAPH_NODES;
  const context = useMemo<TaskNodeContext>(
    () => ({ typeLabel: (id) => typeLabel(types, id), focusId, detailed, linkOf, onExpand: onExpandGroup, handles: !big }),
    [types, focusId, detailed, linkOf, onExpandGroup, big],
  );
  const [overview, setOverview] = useState(false);
  // What the window of a big graph was cut around (null until the viewport is known).
  const [windowView, setWindowView] = useState<Bounds | null>(null);
  const cut = useMemo(() => (big && windowView ? graphWindow(model, windowView) : null), [big, model, windowView]);
  // On the canvas React Flow keeps the window's tasks, hidden: its node components then unmount
  // with their tasks still in its store. Taking the tasks out instead made every mounted node's
  // store selector throw (React Flow reads `node.internals` of a task no longer there) before
  // the node unmounted: one caught exception per node, 90-100 ms for 80 nodes in the bench.
  const hiddenWindow = useMemo(() => (big && cut ? cut.nodes.map((node) => ({ ...node, hidden: true })) : NO_NODES), [big, cut]);
  const latestHidden = useRef(hiddenWindow);
  useLayoutEffect(() => {
    latestHidden.current = hiddenWindow;
  }, [hiddenWindow]);
  const drawing = useMemo(() => drawingOf(model), [model]);
  const raster = useRaster(drawing);

  // The first time tasks are on screen, after the browser painted them.
  useEffect(() => {
    if (painted.current || model.nodes.length === 0) return;
    let frame = requestAnimationFrame(function check() {
      if (!container.current?.querySelector('.react-flow__node, .graph-overview')) {
        frame = requestAnimationFrame(check);
        return;
      }
      frame = requestAnimationFrame(() => {
        painted.current = true;
        performance.measure(FIRST_PAINT_MEASURE, { start: requestedAt, end: performance.now(), detail: { nodes: model.nodes.length } });
      });
    });
    return () => cancelAnimationFrame(frame);
  }, [model, requestedAt]);

  // The drawing's size, kept up to date without measuring the DOM on every pan frame.
  const size = useRef({ width: 0, height: 0 });
  useEffect(() => {
    const element = container.current!;
    const observer = new ResizeObserver(([entry]) => {
      size.current = { width: entry.contentRect.width, height: entry.contentRect.height };
    });
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  const screenSize = () => {
    if (size.current.width === 0) {
      const box = container.current!.getBoundingClientRect();
      size.current = { width: box.width, height: box.height };
    }
    return size.current;
  };
  const follow = (viewport: Viewport) => {
    const far = big && viewport.zoom < DETAIL_ZOOM;
    // A big graph's nodes are on the canvas, unseen, below the detail zoom: they stay as they are.
    if (!big) setDetailed(viewport.zoom >= DETAIL_ZOOM);
    setOverview(far);
    // The window's tasks are hidden in React Flow's store at once, in this event: handed over as
    // the `nodes` prop they would reach it only after the next render, which would first mount
    // every task the zoom brought into view (some sixty at 50,000) to unmount them right after.
    if (far && store.getState().nodes !== latestHidden.current) store.getState().setNodes(latestHidden.current);
    if (!big || far || !container.current) return;
    const view = visibleArea(viewport, screenSize());
    const basis = windowBasis(view, viewport.zoom, DETAIL_ZOOM);
    // In a transition: the new window's nodes mount in a task of their own, not in the wheel or drag event's.
    if (needsNewWindow(cut, view, basis)) startTransition(() => setWindowView(basis));
  };
  const onInit = (instance: ReactFlowInstance<TaskFlowNode, TaskFlowEdge>) => {
    flow.current = instance;
    const focus = model.nodes.find((node) => node.id === (focusId ?? model.criticalPath.task_ids[0]));
    const viewport = initialViewport(graphBounds(model), screenSize(), focus?.position);
    follow(viewport);
    void instance.setViewport(viewport);
  };
  // A new layout moves every node: the group the user expanded is found again where it is now.
  const revealed = useRef(reveal);
  useEffect(() => {
    if (!reveal || revealed.current === reveal || !flow.current) return;
    // Until the new layout arrives, the tasks are still drawn as the group itself.
    const node = reveal.ids.map((id) => drawnAs(model, id)).find((id) => id !== undefined && id !== reveal.key);
    const first = node === undefined ? undefined : model.index.get(node);
    if (first === undefined) return;
    revealed.current = reveal;
    const viewport = initialViewport(graphBounds(model), screenSize(), model.nodes[first].position);
    follow(viewport);
    void flow.current.setViewport(viewport);
    // It runs for a new reveal or a new model only; follow and screenSize are those of this render.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [reveal, model]);
  const fitAll = () => {
    const viewport = fitViewport(graphBounds(model), screenSize(), MIN_ZOOM);
    follow(viewport);
    void flow.current?.setViewport(viewport);
  };
  // On the canvas there are no node elements: the pane finds the task under the pointer.
  const taskAt = (event: MouseEvent) => (overview && flow.current ? nodeAt(model, flow.current.screenToFlowPosition({ x: event.clientX, y: event.clientY })) : undefined);

  return (
    <TaskNodeContext.Provider value={context}>
      <div className={`task-graph${compact ? ' task-graph-compact' : ''}`} ref={container} data-testid="task-graph" data-overview={overview || undefined}>
        <ReactFlow<TaskFlowNode, TaskFlowEdge>
          nodes={!big ? model.nodes : overview ? hiddenWindow : (cut?.nodes ?? NO_NODES)}
          edges={big ? NO_EDGES : model.edges}
          nodeTypes={nodeTypes}
          onInit={onInit}
          onMove={(_, viewport) => follow(viewport)}
          onPaneClick={(event) => {
            const task = taskAt(event);
            if (task?.type === 'group') onExpandGroup?.(task.id);
            else if (task) void navigate(linkOf(task.id));
          }}
          onPaneMouseMove={(event) => {
            const task = taskAt(event);
            container.current!.title = task ? (task.data.task.name ?? task.id) : '';
            container.current!.classList.toggle('over-task', task !== undefined);
          }}
          onlyRenderVisibleElements
          nodesDraggable={false}
          nodesConnectable={false}
          nodesFocusable={false}
          edgesFocusable={false}
          elementsSelectable={false}
          zoomOnDoubleClick={false}
          minZoom={MIN_ZOOM}
          maxZoom={1.5}
        >
          <Background gap={24} size={1} color="#dfe3ea" />
          {big && (overview ? <GraphOverview drawing={drawing} raster={raster} /> : <GraphEdges drawing={drawing} />)}
          <Controls showInteractive={false} showFitView={false} aria-label="Zoom and fit">
            <ControlButton onClick={fitAll} title="Fit view" aria-label="Fit view">
              <svg viewBox="0 0 16 16" aria-hidden="true">
                <path d="M1 5V1h4M11 1h4v4M15 11v4h-4M5 15H1v-4" fill="none" stroke="currentColor" strokeWidth="2" />
              </svg>
            </ControlButton>
          </Controls>
          {!compact && <GraphMiniMap drawing={drawing} />}
          {!compact && (
            <Panel position="top-right">
              <GraphLegend />
            </Panel>
          )}
        </ReactFlow>
      </div>
    </TaskNodeContext.Provider>
  );
}

function GraphLegend() {
  return (
    <ul className="graph-legend" aria-label="Legend">
      <li>
        <span className="legend-swatch legend-running" /> Running (pulses)
      </li>
      <li>
        <span className="legend-swatch legend-failed" /> Failed
      </li>
      <li>
        <span className="legend-swatch legend-blocked" /> Blocked by a failed upstream task
      </li>
      <li>
        <span className="legend-line legend-critical" /> Critical path: the longest chain by duration
      </li>
      <li>
        <span className="legend-line legend-triggered" /> Follow-up started by the system
      </li>
      <li>
        <span className="legend-line legend-child" /> Child workflow
      </li>
    </ul>
  );
}
