import { Panel, useReactFlow, useStore, type ReactFlowState } from '@xyflow/react';
import { useEffect, useMemo, useRef, type PointerEvent } from 'react';
import { fillTasks } from './overviewDrawing';
import type { TaskFlowNode } from './graphModel';
import { graphBounds } from './viewport';

const WIDTH = 180;
const HEIGHT = 120;
const transformSelector = (state: ReactFlowState) => state.transform;
const sizeSelector = (state: ReactFlowState) => `${state.width}x${state.height}`;

/**
 * The whole graph in a corner, with the part on screen outlined; press or drag on it to move
 * there. One canvas for every task (React Flow's own minimap keeps an SVG element per node,
 * and with React Flow given only a window of a big graph it would show only that window).
 */
export function GraphMiniMap({ nodes }: { nodes: TaskFlowNode[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [tx, ty, zoom] = useStore(transformSelector);
  const size = useStore(sizeSelector);
  const { setCenter } = useReactFlow();
  const bounds = useMemo(() => graphBounds(nodes), [nodes]);
  const scale = Math.min(WIDTH / Math.max(bounds.width, 1), HEIGHT / Math.max(bounds.height, 1));
  const offsetX = (WIDTH - bounds.width * scale) / 2 - bounds.x * scale;
  const offsetY = (HEIGHT - bounds.height * scale) / 2 - bounds.y * scale;

  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const context = canvas.current?.getContext('2d');
      if (!context) return;
      const ratio = window.devicePixelRatio || 1;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, WIDTH, HEIGHT);
      context.setTransform(ratio * scale, 0, 0, ratio * scale, ratio * offsetX, ratio * offsetY);
      // At least a pixel and a half each, or a lone task vanishes at this scale.
      fillTasks(context, nodes, 1.5 / scale);
      const [width, height] = size.split('x').map(Number);
      context.strokeStyle = '#2f5bd3';
      context.lineWidth = 1.5 / scale;
      context.fillStyle = 'rgba(47, 91, 211, 0.08)';
      context.beginPath();
      context.rect(-tx / zoom, -ty / zoom, width / zoom, height / zoom);
      context.fill();
      context.stroke();
    });
    return () => cancelAnimationFrame(frame);
  }, [nodes, tx, ty, zoom, size, scale, offsetX, offsetY]);

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
