import { useStore, type ReactFlowState } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import type { TaskFlowEdge, TaskFlowNode } from './graphModel';
import { drawGraph } from './overviewDrawing';

const transformSelector = (state: ReactFlowState) => state.transform;
const sizeSelector = (state: ReactFlowState) => `${state.width}x${state.height}`;

/**
 * A big graph seen from far out, drawn on one canvas instead of thousands of DOM nodes and SVG
 * paths: panning or zooming then costs one redraw (a few milliseconds for 5,000 tasks), where
 * the DOM would re-lay out and repaint every element and freeze the page for seconds.
 */

export function GraphOverview({ nodes, edges }: { nodes: TaskFlowNode[]; edges: TaskFlowEdge[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [tx, ty, zoom] = useStore(transformSelector);
  const size = useStore(sizeSelector);

  useEffect(() => {
    const frame = requestAnimationFrame(() => {
      const element = canvas.current;
      if (!element) return;
      const ratio = window.devicePixelRatio || 1;
      const { width, height } = element.getBoundingClientRect();
      if (element.width !== Math.round(width * ratio) || element.height !== Math.round(height * ratio)) {
        element.width = Math.round(width * ratio);
        element.height = Math.round(height * ratio);
      }
      const context = element.getContext('2d');
      if (!context) return;
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.clearRect(0, 0, width, height);
      context.setTransform(ratio * zoom, 0, 0, ratio * zoom, ratio * tx, ratio * ty);
      drawGraph(context, nodes, edges, { x: -tx / zoom, y: -ty / zoom, width: width / zoom, height: height / zoom }, zoom);
    });
    return () => cancelAnimationFrame(frame);
  }, [nodes, edges, tx, ty, zoom, size]);

  return <canvas ref={canvas} className="graph-overview" aria-hidden="true" />;
}

