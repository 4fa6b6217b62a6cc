import { useQuery } from '@tanstack/react-query';
import { errorMessage } from '../api/client';
import { taskListQuery, type Row } from '../api/queries';
import { viewToApiQuery, type TableView } from './filters';

export type { Row } from '../api/queries';

export interface TaskList {
  rows: Row[];
  total: number;
  /** Nothing to show yet: no page of this view, nor of the one before it. */
  loading: boolean;
  error: string | undefined;
}

/**
 * The table's page of tasks, from the query cache: the live events put a changed task's row into
 * it at once and invalidate it (at most once a second) so new tasks appear and the order stays true.
 * Another page or filter keeps the rows of the last one until its own arrive.
 */
export function useTaskList(view: TableView): TaskList {
  const { data, isPending, error } = useQuery(taskListQuery(viewToApiQuery(view).toString()));
  return {
    rows: data?.rows ?? [],
    total: data?.total ?? 0,
    loading: isPending,
    error: error ? `Could not load tasks: ${errorMessage(error)}` : undefined,
  };
}
