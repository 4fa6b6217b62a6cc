import { isCounting } from '../lib/duration';
import type { TaskType } from '../api/types';
import { useNow } from '../lib/useNow';
import { COLUMNS } from './columns';
import type { SortColumn, TableView } from './filters';
import type { Row } from './useTaskList';

interface Props {
  rows: Row[];
  view: TableView;
  types: TaskType[] | undefined;
  onSort: (column: SortColumn) => void;
  /** Ids of the rows selected for a bulk action. */
  selected: ReadonlySet<string>;
  onSelect: (ids: string[], on: boolean) => void;
  /** Keys of the columns to show, in their order (the column chooser's choice). */
  shown: readonly string[];
}

export function TaskTable({ rows, view, types, onSort, selected, onSelect, shown }: Props) {
  const columns = shown.flatMap((key) => COLUMNS.filter((c) => c.key === key));
  const allSelected = rows.length > 0 && rows.every((r) => selected.has(r.task.id));
  // One clock for the whole table, ticking only while some row's duration grows.
  const now = useNow(rows.some((r) => isCounting(r.task)));
  return (
    <div className="table-scroll">
      <table className="tasks">
        <thead>
          <tr>
            <th scope="col" className="col-select">
              <input type="checkbox" aria-label="Select every task on this page" checked={allSelected} onChange={(e) => onSelect(rows.map((r) => r.task.id), e.target.checked)} />
            </th>
            {columns.map((c) => {
              const sorted = c.sort !== undefined && view.sort === c.sort;
              return (
                <th key={c.key} scope="col" className={`col-${c.key}`} aria-sort={sorted ? (view.order === 'asc' ? 'ascending' : 'descending') : undefined}>
                  {c.sort ? (
                    <button type="button" className="sort" onClick={() => onSort(c.sort!)}>
                      {c.label}
                      <span className="sort-mark" aria-hidden="true">
                        {sorted ? (view.order === 'asc' ? '▲' : '▼') : '↕'}
                      </span>
                    </button>
                  ) : (
                    c.label
                  )}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.task.id} data-task-id={row.task.id} data-status={row.task.status} data-origin={row.task.origin}>
              <td className="col-select">
                <input type="checkbox" aria-label={`Select ${row.task.name ?? row.task.id}`} checked={selected.has(row.task.id)} onChange={(e) => onSelect([row.task.id], e.target.checked)} />
              </td>
              {columns.map((c) => (
                <td key={c.key} className={`col-${c.key}${c.mono ? ' mono' : ''}`}>
                  {c.cell({ ...row, now, types })}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
