import { useQueryClient } from '@tanstack/react-query';
import { api, errorMessage } from '../api/client';
import { taskKeys } from '../api/queries';
import { useNotify } from '../components/Notices';
import { hasFilters, viewToBulkFilter, type TableView } from './filters';

interface Props {
  selected: string[];
  total: number;
  view: TableView;
  /** After an action, or to clear the selection. */
  onDone: () => void;
}

/** Bulk abort and retry: on the rows selected in the table, or on every task matching the filter. */
export function BulkBar({ selected, total, view, onDone }: Props) {
  const notify = useNotify();
  const queryClient = useQueryClient();

  const run = async (action: 'abort' | 'retry', target: 'selected' | 'filter') => {
    const count = target === 'selected' ? selected.length : total;
    const what = target === 'selected' ? `${count} selected task${count === 1 ? '' : 's'}` : `all ${count} tasks matching the filter`;
    if (!window.confirm(`${action === 'abort' ? 'Abort' : 'Retry'} ${what}?`)) return;
    try {
      // With no filter but the time window the action covers every task in it: the person just
      // confirmed exactly that, which the API asks to be said with all: true.
      const body = target === 'selected' ? { ids: selected } : { filter: viewToBulkFilter(view), ...(!hasFilters(view) && { all: true as const }) };
      const outcome = await api.bulk(action, body);
      const refused = outcome.refused.length ? `; ${outcome.refused.length} refused: ${outcome.refused[0].error}` : '';
      const tasks = `${outcome.accepted.length} task${outcome.accepted.length === 1 ? '' : 's'}`;
      const done = action === 'abort' ? `Abort requested for ${tasks}` : `Retrying ${tasks} in the background${outcome.job_id ? ` (task ${outcome.job_id})` : ''}`;
      notify({ kind: outcome.refused.length ? 'error' : 'info', text: `${done}${refused}` });
      // Many tasks changed (and retries appeared): every cached list and detail is out of date.
      void queryClient.invalidateQueries({ queryKey: taskKeys.all });
      onDone();
    } catch (err) {
      notify({ kind: 'error', text: `Bulk ${action} failed: ${errorMessage(err)}` });
    }
  };

  return (
    <div className="bulk-bar" role="toolbar" aria-label="Bulk actions">
      {selected.length > 0 ? (
        <>
          <span>{selected.length} selected</span>
          <button type="button" className="button button-danger" onClick={() => void run('abort', 'selected')}>
            Abort selected
          </button>
          <button type="button" className="button" onClick={() => void run('retry', 'selected')}>
            Retry selected
          </button>
          <button type="button" className="button button-quiet" onClick={onDone}>
            Clear selection
          </button>
        </>
      ) : (
        <>
          <span>All {total} matching:</span>
          <button type="button" className="button button-danger" disabled={total === 0} onClick={() => void run('abort', 'filter')}>
            Abort all
          </button>
          <button type="button" className="button" disabled={total === 0} onClick={() => void run('retry', 'filter')}>
            Retry all
          </button>
        </>
      )}
    </div>
  );
}
