import { Panel, useReactFlow, useStore, type ReactFlowState } from '@xyflow/react';
import { useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { fillTasks, type Drawing } from './overviewDrawing';
import { graphBounds, type Bounds } from './viewport';

const WIDTH = 180;
const HEIGHT = 120;
const transformSelector = (state: ReactFlowState) => state.transform;
const sizeSelector = (state: ReactFlowState) => `${state.width}x${state.height}`;

/**
 * The whole graph in a corner, with the part on screen outlined; press or drag on it to move
 * there. One canvas for every task (React Flow's own minimap keeps an SVG element per node,
 * and with React Flow given only a window of a big graph it would show only that window).
 */
export function GraphMiniMap({ drawing }: { drawing: Drawing }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [tx, ty, zoom] = useStore(transformSelector);
  const size = useStore(sizeSelector);
  const { setCenter } = useReactFlow();
  const [width, height] = size.split('x').map(Number);
  const graph = useMemo(() => graphBounds(drawing), [drawing]);
  // The graph and the part on screen, so the outline of the view never falls off the map.
  const bounds = union(graph, { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom });
  const { scale, offsetX, offsetY } = fit(bounds);

  // The tasks drawn once per change of tasks, at the scale of the graph alone: each pan and zoom
  // then only copies them, scaled to the map of the graph and the view.
  const tasksLayer = useMemo(() => {
    const ratio = window.devicePixelRatio || 1;
    const layer = document.createElement('canvas');
    layer.width = WIDTH * ratio;
    layer.height = HEIGHT * ratio;
    const at = fit(graph);
    const context = layer.getContext('2d');
    if (context) {
      context.setTransform(ratio * at.scale, 0, 0, ratio * at.scale, ratio * at.offsetX, ratio * at.offsetY);
      // At least a pixel and a half each, or a lone task vanishes at this scale.
      fillTasks(context, drawing, null, 1.5 / at.scale);
    }
    return { canvas: layer, area: { x: -at.offsetX / at.scale, y: -at.offsetY / at.scale, width: WIDTH / at.scale, height: HEIGHT / at.scale } };
  }, [drawing, graph]);

  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const context = canvas.current?.getContext('2d');
      if (!context) return;
      const ratio = window.devicePixelRatio || 1;
      context.setTransform(1, 0, 0, 1, 0, 0);
      context.clearRect(0, 0, WIDTH * ratio, HEIGHT * ratio);
      context.setTransform(ratio * scale, 0, 0, ratio * scale, ratio * offsetX, ratio * offsetY);
      const { canvas: layer, area } = tasksLayer;
      context.drawImage(layer, area.x, area.y, area.width, area.height);
      context.strokeStyle = '#2f5bd3';
      context.lineWidth = 1.5 / scale;
      context.fillStyle = 'rgba(47, 91, 211, 0.08)';
      context.beginPath();
      context.rect(-tx / zoom, -ty / zoom, width / zoom, height / zoom);
      context.fill();
      context.stroke();
    });
    return () => cancelAnimationFrame(frame);
  }, [tasksLayer, tx, ty, zoom, width, height, scale, offsetX, offsetY]);

  const moveTo = (event: PointerEvent<HTMLCanvasElement>) => {
    if (event.buttons !== 1) return;
    const box = event.currentTarget.getBoundingClientRect();
    void setCenter((event.clientX - box.left - offsetX) / scale, (event.clientY - box.top - offsetY) / scale, { zoom });
  };

  return (
    <Panel position="bottom-right" className="graph-minimap">
      <canvas
        ref={canvas}
        width={WIDTH * (window.devicePixelRatio || 1)}
        height={HEIGHT * (window.devicePixelRatio || 1)}
        style={{ width: WIDTH, height: HEIGHT }}
        role="img"
        aria-label="Overview of the whole graph; press to move there"
        onPointerDown={(event) => {
          event.currentTarget.setPointerCapture(event.pointerId);
          moveTo(event);
        }}
        onPointerMove={moveTo}
      />
    </Panel>
  );
}

/** The scale and offset that centre `bounds` on the map. */
function fit(bounds: Bounds): { scale: number; offsetX: number; offsetY: number } {
  const scale = Math.min(WIDTH / Math.max(bounds.width, 1), HEIGHT / Math.max(bounds.height, 1));
  return { scale, offsetX: (WIDTH - bounds.width * scale) / 2 - bounds.x * scale, offsetY: (HEIGHT - bounds.height * scale) / 2 - bounds.y * scale };
}

function union(a: Bounds, b: Bounds): Bounds {
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, width: Math.max(a.x + a.width, b.x + b.width) - x, height: Math.max(a.y + a.height, b.y + b.height) - y };
}
