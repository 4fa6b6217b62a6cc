import { useQuery } from '@tanstack/react-query';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { MAX_GRAPH_DEPTH } from '../../../core/graph';
import { STATUS_LABEL } from '../../../core/statuses';
import { ApiError, errorMessage } from '../api/client';
import { pipelinesQuery } from '../api/queries';
import { RemovableChips } from '../components/RemovableChips';
import { TextFilter } from '../components/TextFilter';
import { formatDuration, formatWindow } from '../lib/format';
import { TIME_WINDOWS } from '../tasks/filters';
import { DEFAULT_GRAPH_VIEW, depthNotice, graphViewFromUrl, graphViewScope, graphViewToApiQuery, graphViewToUrl, isComplete, type GraphMode, type GraphView } from './graphView';
import { PipelineBar } from './PipelineBar';
import { TaskGraphView } from './TaskGraphView';
import { allTasks, type GraphModel } from './graphModel';
import { AUTO_COLLAPSE, groupKey, type Collapse, type GroupBook } from './graphGroups';
import { GROUP_KIND_LABEL } from './GroupNode';
import { useTaskGraph, type GraphState } from './useTaskGraph';

const MODE_LABEL: Record<GraphMode, string> = { all: 'All linked tasks', pipeline: 'Pipeline', batch: 'Batch', task: 'Task' };

/**
 * `/graph`: which tasks wait for which, with live status, what blocks what, and the critical
 * path. The user picks a pipeline, a batch or a task's neighbourhood; the choice lives in the URL.
 */
export function GraphPage() {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => graphViewFromUrl(params), [params]);
  // A depth past the limit is drawn at the limit; the page says so rather than change it silently.
  const tooDeep = depthNotice(params);
  // A mode chosen without its id yet is not in the URL (nothing to draw); it lives here meanwhile.
  const [pendingMode, setPendingMode] = useState<GraphMode | null>(null);
  const shown: GraphView = pendingMode && pendingMode !== view.mode ? { ...view, mode: pendingMode, target: '' } : view;
  const complete = isComplete(shown);
  const query = complete ? graphViewToApiQuery(shown).toString() : null;
  // Which groups are drawn as one node: `auto` (all in a big graph) until the user chooses, per graph.
  const [grouping, setGrouping] = useState<{ query: string | null; collapse: Collapse }>({ query, collapse: AUTO_COLLAPSE });
  const collapse = grouping.query === query ? grouping.collapse : AUTO_COLLAPSE;
  const { state, refresh } = useTaskGraph(query, graphViewScope(shown), collapse);
  // The tasks of the group expanded last, which the view moves to once they are drawn.
  const [reveal, setReveal] = useState<{ key: string; ids: readonly string[] }>();
  // Read when a group is clicked, not a dependency: live rows renew it, and a new callback would
  // re-render every node of the drawing through their context.
  const book = useRef<GroupBook | undefined>(undefined);
  useEffect(() => {
    book.current = state.phase === 'ready' ? state.model.book : undefined;
  });
  // Only a collapsed group has a node to click: the groups were all collapsed, this one expands.
  const expandGroup = useCallback(
    (key: string) => {
      setReveal({ key, ids: (book.current?.members.get(key) ?? []).map((task) => task.id) });
      setGrouping({ query, collapse: { groups: 'all', expanded: new Set([...collapse.expanded, key]) } });
    },
    [query, collapse],
  );

  const show = useCallback(
    (next: GraphView) => {
      if (isComplete(next)) {
        setPendingMode(null);
        setParams(graphViewToUrl(next));
      } else setPendingMode(next.mode);
    },
    [setParams],
  );

  return (
    <section className="page graph-page" aria-labelledby="graph-title">
      <header className="page-header">
        <h1 id="graph-title">Dependency graph</h1>
        {state.phase === 'ready' && complete && state.model.nodes.length > 0 && <GraphSummary state={state} />}
      </header>
      <GraphControls view={shown} onChange={show} />
      {shown.mode === 'pipeline' && complete && <PipelineBar key={shown.target} id={shown.target} />}
      {tooDeep && shown.mode === 'task' && (
        <p className="banner banner-warning" role="status" data-testid="depth-notice">
          {tooDeep}
        </p>
      )}
      {!complete ? (
        <div className="empty">
          <p>{shown.mode === 'pipeline' ? 'Choose a pipeline to draw its tasks.' : `Enter a ${shown.mode} ID to draw ${shown.mode === 'task' ? 'its upstream and downstream tasks' : 'its tasks'}.`}</p>
        </div>
      ) : state.phase === 'error' ? (
        <GraphError view={shown} error={state.error} onRetry={refresh} onReset={() => show(DEFAULT_GRAPH_VIEW)} />
      ) : state.phase === 'loading' ? (
        <p className="loading graph-loading">Loading the graph…</p>
      ) : state.model.nodes.length === 0 ? (
        <GraphEmpty view={shown} onReset={() => show(DEFAULT_GRAPH_VIEW)} />
      ) : (
        <>
          {state.model.truncated && (
            <p className="banner banner-warning" role="status">
              More tasks matched than one graph draws; the newest are shown. Narrow the time window or pick a pipeline or batch.
            </p>
          )}
          {state.model.collapsible.length > 0 && <GroupControls model={state.model} collapse={collapse} onChange={(next) => setGrouping({ query, collapse: next })} />}
          {/* A task's neighbourhood is drawn around that task, marked. */}
          <TaskGraphView
            key={query}
            model={state.model}
            requestedAt={state.requestedAt}
            focusId={shown.mode === 'task' ? shown.target : undefined}
            onExpandGroup={expandGroup}
            reveal={reveal}
          />
        </>
      )}
    </section>
  );
}

/**
 * Collapse every group the graph has, or expand them all; one group expands with a click on it,
 * and collapses again from its chip here (its tasks, drawn one by one, have no node of its own).
 */
function GroupControls({ model, collapse, onChange }: { model: GraphModel; collapse: Collapse; onChange: (collapse: Collapse) => void }) {
  const shown = model.book.members.size;
  const expanded = collapse.groups === 'all' ? [...collapse.expanded].flatMap((key) => model.book.groups.get(key) ?? []) : [];
  return (
    <div className="graph-groups" role="group" aria-label="Groups">
      <span data-testid="group-notice">
        {shown > 0
          ? shown === 1
            ? '1 group is drawn as one node: click it to expand it.'
            : `${shown.toLocaleString()} groups are drawn as one node each: click one to expand it.`
          : `${model.collapsible.length.toLocaleString()} ${model.collapsible.length === 1 ? 'pipeline, batch or schedule' : 'pipelines, batches or schedules'} can be drawn as one node each.`}
      </span>
      <button type="button" className="button" disabled={model.collapsed.size === model.collapsible.length} onClick={() => onChange({ groups: 'all', expanded: new Set() })}>
        Collapse groups
      </button>
      <button type="button" className="button" disabled={model.collapsed.size === 0} onClick={() => onChange({ groups: 'none', expanded: new Set() })}>
        Expand all
      </button>
      <RemovableChips
        label="Expanded groups"
        removeTitle="Draw it as one node again"
        chips={expanded.map((group) => ({
          key: groupKey(group),
          text: `${GROUP_KIND_LABEL[group.kind]} ${group.name}`,
          removeLabel: `Collapse ${GROUP_KIND_LABEL[group.kind].toLowerCase()} ${group.name}`,
          onRemove: () => onChange({ groups: 'all', expanded: new Set([...collapse.expanded].filter((key) => key !== groupKey(group))) }),
        }))}
      />
    </div>
  );
}

function GraphSummary({ state }: { state: Extract<GraphState, { phase: 'ready' }> }) {
  const { model } = state;
  // Counted over every task, those in collapsed groups too: once per model, not per render.
  const { tasks, failed, blocked } = useMemo(() => {
    const counts = { tasks: 0, failed: 0, blocked: 0 };
    for (const task of allTasks(model)) {
      counts.tasks += 1;
      if (task.status === 'failed') counts.failed += 1;
      if (task.blocked_by.length > 0) counts.blocked += 1;
    }
    return counts;
  }, [model]);
  return (
    <p className="graph-summary" data-testid="graph-summary">
      <span>
        {tasks.toLocaleString()} {tasks === 1 ? 'task' : 'tasks'}
      </span>
      {model.book.members.size === 0 && (
        <span>
          {model.edges.length.toLocaleString()} {model.edges.length === 1 ? 'edge' : 'edges'}
        </span>
      )}
      {failed > 0 && <span className="graph-summary-failed">{failed} failed</span>}
      {blocked > 0 && <span className="graph-summary-blocked">{blocked} blocked</span>}
      {model.criticalPath.task_ids.length > 1 && (
        <span title="The chain of tasks with the longest total duration: where the time goes">
          Critical path: {model.criticalPath.task_ids.length} {model.book.members.size > 0 ? 'nodes' : 'tasks'}, {formatDuration(model.criticalPath.duration_ms)}
        </span>
      )}
    </p>
  );
}

function GraphControls({ view, onChange }: { view: GraphView; onChange: (view: GraphView) => void }) {
  const set = (patch: Partial<GraphView>) => onChange({ ...view, ...patch });
  const commitTarget = useCallback((target: string) => onChange({ ...view, target }), [onChange, view]);
  return (
    <form className="filters graph-controls" aria-label="What to draw" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="field">
        <legend className="field-label">Draw</legend>
        <div className="segmented">
          {(['all', 'pipeline', 'batch', 'task'] as const).map((mode) => (
            <button key={mode} type="button" aria-pressed={view.mode === mode} onClick={() => mode !== view.mode && set({ mode, target: '' })}>
              {MODE_LABEL[mode]}
            </button>
          ))}
        </div>
      </fieldset>
      {view.mode === 'pipeline' && <PipelinePicker value={view.target} onChange={commitTarget} />}
      {view.mode === 'batch' && <TextFilter label="Batch ID" value={view.target} onCommit={commitTarget} placeholder="batch id" />}
      {view.mode === 'task' && (
        <>
          <TextFilter label="Task ID" value={view.target} onCommit={commitTarget} placeholder="task id" />
          <label className="field">
            <span className="field-label">Depth</span>
            <select value={view.depth} onChange={(e) => set({ depth: Number(e.target.value) })}>
              {Array.from({ length: MAX_GRAPH_DEPTH }, (_, i) => i + 1).map((depth) => (
                <option key={depth} value={depth}>
                  {depth} {depth === 1 ? 'edge' : 'edges'} each way
                </option>
              ))}
            </select>
          </label>
        </>
      )}
      <fieldset className="field">
        <legend className="field-label">Time</legend>
        <div className="segmented">
          {TIME_WINDOWS.map((w) => (
            <button key={w.hours} type="button" aria-pressed={view.within_hours === w.hours} title={`Tasks created in the last ${w.label}`} onClick={() => set({ within_hours: w.hours })}>
              {w.label}
            </button>
          ))}
        </div>
      </fieldset>
    </form>
  );
}

/**
 * `GET /pipelines` as a choice, newest first, kept fresh by the live events of pipeline tasks and
 * by the pipeline bar (a pipeline's own status changes after its last task); a typed ID when the
 * list cannot be had.
 */
function PipelinePicker({ value, onChange }: { value: string; onChange: (id: string) => void }) {
  const { data, isError } = useQuery(pipelinesQuery);
  const pipelines = data ?? null;
  if (isError && !pipelines) return <TextFilter label="Pipeline ID" value={value} onCommit={onChange} placeholder="pipeline id" />;
  const known = pipelines?.some((p) => p.id === value) ?? false;
  return (
    <label className="field graph-pipeline">
      <span className="field-label">Pipeline</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} disabled={pipelines === null} aria-label="Pipeline">
        <option value="">{pipelines === null ? 'Loading…' : pipelines.length === 0 ? 'No pipelines yet' : 'Choose a pipeline'}</option>
        {value && !known && <option value={value}>{value}</option>}
        {pipelines?.map((p) => (
          <option key={p.id} value={p.id}>
            {p.name} · {STATUS_LABEL[p.status as keyof typeof STATUS_LABEL] ?? p.status} · {p.task_count} tasks
          </option>
        ))}
      </select>
    </label>
  );
}

function GraphEmpty({ view, onReset }: { view: GraphView; onReset: () => void }) {
  const window = formatWindow(view.within_hours);
  return (
    <div className="empty" data-testid="graph-empty">
      {view.mode === 'all' ? (
        <>
          <p>No task of the past {window} depends on another.</p>
          <p>
            Start a task with <code>depends_on</code>, or a pipeline with <code>POST /pipelines</code>, and its graph appears here.
          </p>
        </>
      ) : (
        <>
          <p>
            {MODE_LABEL[view.mode]} <span className="mono">{view.target}</span> has no tasks in the past {window}.
          </p>
          <p>
            Check the ID{view.within_hours < DEFAULT_GRAPH_VIEW.within_hours ? ', widen the time window,' : ''} or{' '}
            <button type="button" className="button-link" onClick={onReset}>
              draw all linked tasks
            </button>
            .
          </p>
        </>
      )}
    </div>
  );
}

function GraphError({ view, error, onRetry, onReset }: { view: GraphView; error: unknown; onRetry: () => void; onReset: () => void }) {
  const missing = error instanceof ApiError && error.status === 404 && view.mode === 'task';
  return (
    <div className="empty" role="alert">
      {missing ? (
        <>
          <p>
            There is no task <span className="mono">{view.target}</span> in the 14-day window.
          </p>
          <p>
            Check the ID on its <Link to="/">task table</Link> row, or{' '}
            <button type="button" className="button-link" onClick={onReset}>
              draw all linked tasks
            </button>
            .
          </p>
        </>
      ) : (
        <>
          <p className="banner banner-error">Could not load the graph: {errorMessage(error)}</p>
          <button type="button" className="button" onClick={onRetry}>
            Try again
          </button>
        </>
      )}
    </div>
  );
}
