import { useCallback, useEffect, useRef, useState } from 'react';
import type { GraphScope, TaskGraph } from '../../../core/graph';
import { api } from '../api/client';
import type { TaskRecord } from '../api/types';
import { useTaskEvents } from '../live/taskEvents';
import type { LayoutResult } from './elkLayout';
import { applyTaskRows, buildModel, isStructural, layoutInput, structureKey, type GraphModel } from './graphModel';
import { layoutInWorker, prepareLayout } from './layout';

/** Live rows are applied in batches: one render for a burst of events, not one per event. */
const APPLY_EVERY_MS = 250;
/** A change of structure refetches and lays out again, once the burst that caused it is over. */
const REFETCH_AFTER_MS = 800;

export type GraphState =
  | { phase: 'loading'; requestedAt: number }
  | { phase: 'error'; error: unknown; requestedAt: number }
  | { phase: 'ready'; model: GraphModel; requestedAt: number };

/**
 * A graph from `GET /graph?<query>`, laid out in the worker, then kept live: status, progress
 * and duration change in place (no layout), while a new task or edge in scope refetches and
 * lays out again. A refetch whose structure did not change keeps every position.
 */
export function useTaskGraph(query: string | null, scope: GraphScope): { state: GraphState; refresh: () => void } {
  const [state, setState] = useState<GraphState>(() => ({ phase: 'loading', requestedAt: performance.now() }));
  const [generation, setGeneration] = useState(0);
  const refresh = useCallback(() => setGeneration((g) => g + 1), []);
  const current = useRef<{ model: GraphModel; key: string; layout: LayoutResult } | null>(null);
  const queued = useRef<TaskRecord[]>([]);
  // The scope only sorts new rows into "part of the drawing" or not: the latest one, no refetch.
  const latestScope = useRef(scope);
  useEffect(() => {
    latestScope.current = scope;
  });
  // Rows heard while a graph is asked for and laid out (which takes a while): the graph may
  // predate them, so they are applied to it once it is built (applyTaskRows never takes a
  // finished task back, should one of them be older than the graph).
  const sinceAsked = useRef<TaskRecord[] | null>(null);
  const applyTimer = useRef<number | undefined>(undefined);
  const refetchTimer = useRef<number | undefined>(undefined);

  const scheduleRefetch = useCallback(() => {
    window.clearTimeout(refetchTimer.current);
    refetchTimer.current = window.setTimeout(refresh, REFETCH_AFTER_MS);
  }, [refresh]);

  // A new scope starts from nothing; a refresh of the same scope keeps the drawing until the answer.
  useEffect(() => {
    current.current = null;
    queued.current = [];
  }, [query]);

  useEffect(() => {
    if (query === null) return;
    const controller = new AbortController();
    const requestedAt = performance.now();
    if (!current.current) setState({ phase: 'loading', requestedAt });
    prepareLayout();
    sinceAsked.current = [];
    void (async () => {
      try {
        const graph: TaskGraph = await api.graph(query, controller.signal);
        const receivedAt = Date.now();
        const key = structureKey(graph);
        const layout = current.current?.key === key ? current.current.layout : await layoutInWorker(layoutInput(graph));
        if (controller.signal.aborted) return;
        const late = sinceAsked.current ?? [];
        sinceAsked.current = null;
        const built = buildModel(graph, layout, receivedAt);
        if (late.some((row) => isStructural(built, row, latestScope.current))) scheduleRefetch();
        const model = applyTaskRows(built, late, Date.now());
        current.current = { model, key, layout };
        setState((previous) => ({ phase: 'ready', model, requestedAt: previous.phase === 'ready' ? previous.requestedAt : requestedAt }));
      } catch (error) {
        if (!controller.signal.aborted && !current.current) setState({ phase: 'error', error, requestedAt });
      }
    })();
    return () => {
      controller.abort();
      sinceAsked.current = null;
    };
  }, [query, generation, scheduleRefetch]);

  useEffect(
    () => () => {
      window.clearTimeout(applyTimer.current);
      window.clearTimeout(refetchTimer.current);
    },
    [],
  );

  useTaskEvents((event) => {
    if (event.kind === 'resync') {
      scheduleRefetch();
      return;
    }
    sinceAsked.current?.push(event.task);
    if (!current.current) return;
    queued.current.push(event.task);
    if (applyTimer.current !== undefined) return;
    applyTimer.current = window.setTimeout(() => {
      applyTimer.current = undefined;
      const rows = queued.current.splice(0);
      const now = current.current;
      if (!now || rows.length === 0) return;
      if (rows.some((row) => isStructural(now.model, row, latestScope.current))) scheduleRefetch();
      const model = applyTaskRows(now.model, rows, Date.now());
      if (model === now.model) return;
      current.current = { ...now, model };
      setState((previous) => (previous.phase === 'ready' ? { ...previous, model } : previous));
    }, APPLY_EVERY_MS);
  });

  return { state, refresh };
}
