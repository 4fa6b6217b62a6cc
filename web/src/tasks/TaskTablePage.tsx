import { useCallback, useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { RemovableChips } from '../components/RemovableChips';
import { formatWindow } from '../lib/format';
import { typeLabel, useTaskTypes } from '../lib/taskTypes';
import { BulkBar } from './BulkBar';
import { ColumnChooser } from './ColumnChooser';
import { FilterBar } from './FilterBar';
import { DEFAULT_VIEW, PAGE_SIZE, activeFilters, hasFilters, toggleSort, viewFromUrl, viewToUrl, type SortColumn, type TableView } from './filters';
import { TaskTable } from './TaskTable';
import { useColumns } from './useColumns';
import { useTaskList } from './useTaskList';

/** The task table: every operation of the window, filtered, sorted, paged and live. */
export function TaskTablePage() {
  const [params, setParams] = useSearchParams();
  const view = useMemo(() => viewFromUrl(params), [params]);
  const { types } = useTaskTypes();
  const { rows, total, loading, error } = useTaskList(view);
  const [columns, setColumns] = useColumns();
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const select = useCallback((ids: string[], on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      for (const id of ids) {
        if (on) next.add(id);
        else next.delete(id);
      }
      return next;
    });
  }, []);
  const clearSelection = useCallback(() => setSelected(new Set()), []);

  const show = useCallback((next: TableView) => setParams(viewToUrl(next)), [setParams]);
  const patch = useCallback((change: Partial<TableView>) => show({ ...view, ...change }), [show, view]);
  const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
  const first = total === 0 ? 0 : (view.page - 1) * PAGE_SIZE + 1;

  return (
    <section className="page" aria-labelledby="tasks-title">
      <header className="page-header">
        <h1 id="tasks-title">Tasks</h1>
        <ColumnChooser shown={columns} onChange={setColumns} />
        {/* The same filters as bars on a time axis: queue time, run time, status. */}
        <Link to={`/timeline?${viewToUrl({ ...view, page: 1 }).toString()}`} className="button">
          Timeline
        </Link>
        <Link to="/submit" className="button button-primary">
          Submit task
        </Link>
      </header>
      <FilterBar view={view} types={types} onChange={patch} onReset={() => show(DEFAULT_VIEW)} />
      <FilterChips view={view} label={(id) => typeLabel(types, id)} onChange={patch} />
      {error && (
        <p className="banner banner-error" role="alert">
          {error}
        </p>
      )}
      {!loading && !error && rows.length === 0 ? (
        <div className="empty">
          {hasFilters(view) ? (
            <>
              <p>No tasks match these filters in the past {formatWindow(view.within_hours)}.</p>
              <button type="button" className="button" onClick={() => show(DEFAULT_VIEW)}>
                Reset filters
              </button>
            </>
          ) : (
            <p>No operations were performed in the past {formatWindow(view.within_hours)}.</p>
          )}
        </div>
      ) : (
        <>
          <BulkBar selected={[...selected]} total={total} view={view} onDone={clearSelection} />
          <TaskTable
            rows={rows}
            view={view}
            types={types}
            onSort={(c: SortColumn) => show(toggleSort(view, c))}
            selected={selected}
            onSelect={select}
            shown={columns}
          />
        </>
      )}
      <nav className="pager" aria-label="Pages">
        <span className="pager-count" aria-live="polite">
          {loading ? 'Loading…' : total === 0 ? 'No tasks' : `${first}–${first + rows.length - 1} of ${total}`}
        </span>
        <button type="button" className="button" disabled={view.page <= 1} onClick={() => patch({ page: view.page - 1 })}>
          ‹ Previous
        </button>
        <span>
          Page {view.page} of {pages}
        </span>
        <button type="button" className="button" disabled={view.page >= pages} onClick={() => patch({ page: view.page + 1 })}>
          Next ›
        </button>
      </nav>
    </section>
  );
}

/**
 * Every filter narrowing the table, as a chip that removes it: a link that filtered by a batch or
 * a pipeline, which the filter bar has no field for, shows what it did and is undone in one click.
 */
function FilterChips({ view, label, onChange }: { view: TableView; label: (id: string) => string; onChange: (patch: Partial<TableView>) => void }) {
  const chips = activeFilters(view, label).map((chip) => ({ key: chip.key, text: chip.text, removeLabel: `Remove filter ${chip.text}`, onRemove: () => onChange(chip.remove) }));
  return <RemovableChips label="Active filters" removeTitle="Remove this filter" chips={chips} />;
}
