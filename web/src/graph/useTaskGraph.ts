import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { GraphScope } from '../../../core/graph';
import { graphQuery, queryKeys, type GraphAnswer } from '../api/queries';
import type { TaskRecord } from '../api/types';
import { isCounting } from '../lib/duration';
import { useTaskEvents } from '../live/taskEvents';
import { AUTO_COLLAPSE, groupGraph, type Collapse } from './graphGroups';
import { applyTaskRows, buildModel, isStructural, layoutInput, structureKey, type GraphModel, type PlacedLayout } from './graphModel';
import { layoutInWorker, prepareLayout } from './layout';

/** Live rows are applied in batches: one render for a burst of events, not one per event. */
const APPLY_EVERY_MS = 250;
/** A change of structure refetches and lays out again, once the burst that caused it is over. */
const REFETCH_AFTER_MS = 800;

/** A task row from `/events`, and when it was heard. */
interface Heard {
  row: TaskRecord;
  at: number;
}

/**
 * Rows heard earlier, as of `now`: a running task's served duration grows by the time since it
 * was heard, so applying them all at once (at `now`) keeps each duration where it was.
 */
function rowsAsOf(entries: Iterable<Heard>, now: number): TaskRecord[] {
  return Array.from(entries, ({ row, at }) => (isCounting(row) && row.duration_ms !== null ? { ...row, duration_ms: row.duration_ms + Math.max(0, now - at) } : row));
}

export type GraphState = { phase: 'loading' } | { phase: 'error'; error: unknown } | { phase: 'ready'; model: GraphModel; requestedAt: number };

/** A graph as drawn: the answer it came from, its layout, and its model with the live rows applied. */
interface Drawn {
  query: string;
  answer: GraphAnswer;
  key: string;
  layout: PlacedLayout;
  model: GraphModel;
  /** When this scope was first asked for (performance.now()): its first paint is measured from here. */
  requestedAt: number;
}

/**
 * A graph from `GET /graph?<query>` (the query cache's `['graph', query]`), laid out in the worker,
 * then kept live: status, progress and duration change in place (no layout), while a new task
 * or edge in scope invalidates the query, which refetches and lays out again. An answer whose
 * structure did not change keeps every position. A resync of the event stream invalidates it too.
 * `collapse` says which groups are drawn as one node (graphGroups.ts); changing it lays out again.
 */
export function useTaskGraph(query: string | null, scope: GraphScope, collapse: Collapse = AUTO_COLLAPSE): { state: GraphState; refresh: () => void } {
  const queryClient = useQueryClient();
  const { data: answer, dataUpdatedAt, error, refetch } = useQuery({ ...graphQuery(query ?? ''), enabled: query !== null });
  const [drawn, setDrawn] = useState<Drawn | null>(null);
  const [layoutError, setLayoutError] = useState<{ query: string; error: unknown } | null>(null);
  // The graph drawn now, for the event listener (the state above is what React renders).
  const current = useRef<Drawn | null>(null);
  const queued = useRef<TaskRecord[]>([]);
  // Rows heard while an answer is awaited or laid out (which takes a while): the answer may
  // predate them, so those heard after it was asked for are applied to it once it is built
  // (applyTaskRows never takes a finished task back, should one of them be older than the graph).
  const heard = useRef<Heard[]>([]);
  const requested = useRef({ query, at: 0 });
  // The latest row of each task applied to the drawn answer, and when: a new grouping of the same
  // answer (a group expanded or collapsed) is built from the answer, then brought up to date with these.
  const applied = useRef(new Map<string, Heard>());
  // The scope only sorts new rows into "part of the drawing" or not: the latest one, no refetch.
  const latestScope = useRef(scope);
  useEffect(() => {
    latestScope.current = scope;
  });
  const applyTimer = useRef<number | undefined>(undefined);
  const refetchTimer = useRef<number | undefined>(undefined);
  /** When the first structural row not yet refetched for was heard. */
  const structuralSince = useRef<number | undefined>(undefined);

  const scheduleRefetch = useCallback(
    (heardAt: number) => {
      if (query === null) return;
      structuralSince.current = Math.min(structuralSince.current ?? heardAt, heardAt);
      window.clearTimeout(refetchTimer.current);
      refetchTimer.current = window.setTimeout(() => {
        const since = structuralSince.current ?? 0;
        structuralSince.current = undefined;
        const key = queryKeys.graph(query);
        // Asked for since (the event bridge refetches a task's neighbourhood when a task links to it).
        if ((queryClient.getQueryData<GraphAnswer>(key)?.askedAt ?? -Infinity) > since) return;
        // A fetch under way goes on: if it predates the change, its answer hears the row as late.
        void queryClient.invalidateQueries({ queryKey: key, exact: true }, { cancelRefetch: false });
      }, REFETCH_AFTER_MS);
    },
    [query, queryClient],
  );

  // A new scope starts from nothing; a refetch of the same scope keeps the drawing until the answer.
  useEffect(() => {
    current.current = null;
    queued.current = [];
    heard.current = [];
    applied.current = new Map();
    requested.current = { query, at: performance.now() };
    if (query !== null) prepareLayout();
    return () => {
      window.clearTimeout(applyTimer.current);
      applyTimer.current = undefined;
      window.clearTimeout(refetchTimer.current);
      structuralSince.current = undefined;
    };
  }, [query]);

  // Each answer is laid out (or keeps the layout of the same structure) and built into a model.
  useEffect(() => {
    if (query === null || !answer) return;
    let cancelled = false;
    const grouping = groupGraph(answer.graph, collapse);
    const key = structureKey(grouping.graph);
    const previous = current.current?.query === query ? current.current : null;
    const layoutOf = previous?.key === key ? Promise.resolve(previous.layout) : layoutInWorker(layoutInput(grouping.graph));
    layoutOf.then(
      (layout) => {
        if (cancelled) return;
        const regrouped = previous?.answer === answer;
        if (!regrouped) {
          heard.current = heard.current.filter((entry) => entry.at >= answer.askedAt);
          applied.current = new Map(heard.current.map((entry) => [entry.row.id, entry]));
        }
        const now = Date.now();
        const late = rowsAsOf(applied.current.values(), now);
        const built = buildModel(grouping.graph, layout, dataUpdatedAt, grouping);
        if (!regrouped && late.some((row) => isStructural(built, row, latestScope.current))) scheduleRefetch(answer.askedAt);
        // Rows queued before the answer are older than it; later ones are among the late rows.
        queued.current = [];
        const next: Drawn = {
          query,
          answer,
          key,
          layout,
          model: applyTaskRows(built, late, now),
          requestedAt: previous?.requestedAt ?? requested.current.at,
        };
        current.current = next;
        setDrawn(next);
      },
      (err: unknown) => {
        if (!cancelled) setLayoutError({ query, error: err });
      },
    );
    return () => {
      cancelled = true;
    };
  }, [query, answer, collapse, dataUpdatedAt, scheduleRefetch]);

  // Whether the drawing may be older than a row heard now: an answer is on its way, or arrived
  // and is not drawn yet.
  const awaited = (): boolean => {
    if (query === null) return false;
    const asked = queryClient.getQueryState<GraphAnswer>(queryKeys.graph(query));
    return asked?.fetchStatus === 'fetching' || asked?.data !== current.current?.answer;
  };

  useTaskEvents((event) => {
    // A resync invalidates the graph's query with every other one (live/taskCache.ts).
    if (event.kind !== 'task') return;
    const row = event.task;
    const at = Date.now();
    if (awaited()) heard.current.push({ row, at });
    // Nothing is awaited: any later answer is asked for after this row.
    else heard.current = [];
    if (!current.current) return;
    queued.current.push(row);
    if (applyTimer.current !== undefined) return;
    applyTimer.current = window.setTimeout(() => {
      applyTimer.current = undefined;
      const rows = queued.current.splice(0);
      const now = current.current;
      if (!now || rows.length === 0) return;
      if (rows.some((r) => isStructural(now.model, r, latestScope.current))) scheduleRefetch(at);
      const appliedAt = Date.now();
      for (const r of rows) if (now.model.index.has(r.id) || now.model.book.memberOf.has(r.id)) applied.current.set(r.id, { row: r, at: appliedAt });
      const model = applyTaskRows(now.model, rows, appliedAt);
      if (model === now.model) return;
      const next = { ...now, model };
      current.current = next;
      setDrawn(next);
    }, APPLY_EVERY_MS);
  });

  const refresh = useCallback(() => void refetch(), [refetch]);

  let state: GraphState;
  if (query !== null && drawn?.query === query) state = { phase: 'ready', model: drawn.model, requestedAt: drawn.requestedAt };
  else if (query !== null && error && !answer) state = { phase: 'error', error };
  else if (query !== null && layoutError?.query === query) state = { phase: 'error', error: layoutError.error };
  else state = { phase: 'loading' };
  return { state, refresh };
}
