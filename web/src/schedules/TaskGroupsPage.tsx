import { useQueries, useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../api/client';
import { schedulesQuery, taskListQuery } from '../api/queries';
import type { TaskRecord } from '../api/types';
import { buildModel, layoutInput, structureKey, type PlacedLayout } from '../graph/graphModel';
import { layoutInWorker } from '../graph/layout';
import { TaskGraphView } from '../graph/TaskGraphView';
import { definitionsGraph } from './definitionsGraph';
import { ScheduleGroups } from './ScheduleGroups';

/**
 * Tasks & Groups: the task definitions (schedules) by group, with state, last run and next run,
 * and the dependencies between them drawn with the dependency graph's component, each definition
 * coloured by its latest run's status.
 */
export function TaskGroupsPage() {
  const { data: schedules, error } = useQuery(schedulesQuery);
  const pipelineRuns = useMemo(() => (schedules ?? []).flatMap((s) => (s.action.kind === 'pipeline' && s.last_run ? [s.last_run.id] : [])), [schedules]);
  const runTasks = useQueries({
    queries: pipelineRuns.map((id) => taskListQuery(new URLSearchParams({ pipeline: id, limit: '100' }).toString())),
  });
  const tasksByRun = new Map<string, TaskRecord[]>(pipelineRuns.map((id, i) => [id, runTasks[i]?.data?.rows.map((r) => r.task) ?? []]));
  const tasksKey = JSON.stringify([...tasksByRun].map(([id, tasks]) => [id, tasks.map((t) => `${t.name}:${t.status}`)]));
  // eslint-disable-next-line react-hooks/exhaustive-deps -- keyed by what the drawing shows, not the arrays' identity
  const drawing = useMemo(() => definitionsGraph(schedules ?? [], tasksByRun), [schedules, tasksKey]);
  const key = structureKey(drawing.graph);
  const [layout, setLayout] = useState<{ key: string; result: PlacedLayout; at: number } | null>(null);
  useEffect(() => {
    if (drawing.graph.nodes.length === 0) return;
    let cancelled = false;
    void layoutInWorker(layoutInput(drawing.graph)).then((result) => !cancelled && setLayout({ key, result, at: Date.now() }));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps -- laid out again only when the structure changes
  }, [key]);
  const [requestedAt] = useState(() => performance.now());
  const linkOf = useCallback((id: string) => drawing.links.get(id) ?? '/schedules', [drawing]);
  const model = useMemo(() => (layout?.key === key ? buildModel(drawing.graph, layout.result, layout.at) : null), [drawing, layout, key]);

  return (
    <section className="page" aria-labelledby="groups-title">
      <header className="page-header">
        <h1 id="groups-title">Tasks &amp; Groups</h1>
      </header>
      {error && (
        <p className="banner banner-error" role="alert">
          {errorMessage(error)}
        </p>
      )}
      {schedules?.length === 0 && <p className="empty">No task definitions yet: create a schedule to see it here.</p>}
      {drawing.graph.nodes.length > 0 && (
        <section className="card" aria-labelledby="definitions-graph">
          <h2 id="definitions-graph">Dependencies between definitions</h2>
          <p className="muted">Each definition shows the status of its latest run; click one to open that run.</p>
          {model ? <TaskGraphView model={model} requestedAt={requestedAt} linkOf={linkOf} compact /> : <p className="loading">Laying out…</p>}
        </section>
      )}
      {schedules && <ScheduleGroups schedules={schedules} />}
    </section>
  );
}
