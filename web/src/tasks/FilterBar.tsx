import * as Menu from '@radix-ui/react-dropdown-menu';
import { ORIGINS, ORIGIN_LABEL } from '../../../core/origin';
import { useQuery } from '@tanstack/react-query';
import { STATUS_LABEL, TASK_STATUSES } from '../../../core/statuses';
import { nodesQuery } from '../api/queries';
import type { TaskType } from '../api/types';
import { TextFilter } from '../components/TextFilter';
import { DEFAULT_VIEW, TIME_WINDOWS, type TableView } from './filters';

interface Props {
  view: TableView;
  types: TaskType[] | undefined;
  onChange: (patch: Partial<TableView>) => void;
  onReset: () => void;
}

/** Time window, type, dataset, dataset ID, statuses, origin, group, user, tag, node and name search; Reset clears all. */
export function FilterBar({ view, types, onChange, onReset }: Props) {
  const set = (patch: Partial<TableView>) => onChange({ ...patch, page: 1 });
  const nodes = useQuery(nodesQuery).data?.map((n) => n.name);
  const statusSummary = view.status.length === 0 ? 'Any' : view.status.map((s) => STATUS_LABEL[s as keyof typeof STATUS_LABEL] ?? s).join(', ');
  return (
    <form className="filters" role="search" aria-label="Filter tasks" onSubmit={(e) => e.preventDefault()}>
      <fieldset className="field">
        <legend className="field-label">Time</legend>
        <div className="segmented">
          {TIME_WINDOWS.map((w) => (
            <button
              key={w.hours}
              type="button"
              aria-pressed={view.within_hours === w.hours}
              title={`Last ${w.label}`}
              onClick={() => set({ within_hours: w.hours })}
            >
              {w.label}
            </button>
          ))}
        </div>
      </fieldset>
      <label className="field">
        <span className="field-label">Task</span>
        <select value={view.task_type} onChange={(e) => set({ task_type: e.target.value })}>
          <option value="">All types</option>
          {types?.map((t) => (
            <option key={t.id} value={t.id}>
              {t.label}
            </option>
          ))}
        </select>
      </label>
      <TextFilter label="Dataset" value={view.dataset} onCommit={(dataset) => set({ dataset })} />
      <TextFilter label="Dataset ID" value={view.dataset_id} onCommit={(dataset_id) => set({ dataset_id })} />
      <div className="field">
        <span className="field-label" id="status-filter-label">
          Status
        </span>
        <Menu.Root modal={false}>
          <Menu.Trigger className="select-button" aria-labelledby="status-filter-label status-filter-value">
            <span id="status-filter-value">{statusSummary}</span>
            <span aria-hidden="true">▾</span>
          </Menu.Trigger>
          <Menu.Portal>
            <Menu.Content className="menu" align="start" sideOffset={4} collisionPadding={8}>
              {TASK_STATUSES.map((status) => (
                <Menu.CheckboxItem
                  key={status}
                  className="menu-item menu-check"
                  checked={view.status.includes(status)}
                  onSelect={(e) => e.preventDefault()}
                  onCheckedChange={(checked) => set({ status: checked ? [...view.status, status] : view.status.filter((s) => s !== status) })}
                >
                  <Menu.ItemIndicator className="menu-indicator" aria-hidden="true">
                    ✓
                  </Menu.ItemIndicator>
                  <span className={`dot dot-${status}`} aria-hidden="true" />
                  {STATUS_LABEL[status]}
                </Menu.CheckboxItem>
              ))}
            </Menu.Content>
          </Menu.Portal>
        </Menu.Root>
      </div>
      <label className="field">
        <span className="field-label">Origin</span>
        <select value={view.origin} onChange={(e) => set({ origin: e.target.value })}>
          <option value="">Any</option>
          {ORIGINS.map((origin) => (
            <option key={origin} value={origin}>
              {ORIGIN_LABEL[origin]}
            </option>
          ))}
        </select>
      </label>
      <TextFilter label="Group" value={view.group} onCommit={(group) => set({ group })} />
      <TextFilter label="Operated by" value={view.user} onCommit={(user) => set({ user })} />
      <TextFilter label="Tag" value={view.tag} onCommit={(tag) => set({ tag })} />
      <label className="field">
        <span className="field-label">Node</span>
        <select value={view.node} onChange={(e) => set({ node: e.target.value })}>
          <option value="">All nodes</option>
          {[...new Set([...(nodes ?? []), ...(view.node ? [view.node] : [])])].map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
      </label>
      <TextFilter label="Name" type="search" placeholder="Search names and IDs" value={view.q} onCommit={(q) => set({ q })} />
      <button type="button" className="button button-quiet reset" onClick={onReset} disabled={JSON.stringify(view) === JSON.stringify(DEFAULT_VIEW)}>
        Reset
      </button>
    </form>
  );
}
