import { useQuery } from '@tanstack/react-query';
import { taskDetailQuery } from '../api/queries';
import type { TaskDetail } from '../api/types';

/**
 * A task's detail from the query cache: the live events put its row's fields into it, a new status
 * refetches the rest, and an unfinished task is asked again every few seconds. `receivedAt` is
 * when the copy shown arrived, from which a running duration counts on.
 */
export function useTaskDetail(id: string): { task: TaskDetail | undefined; receivedAt: number; error: Error | null } {
  const { data, dataUpdatedAt, error } = useQuery(taskDetailQuery(id));
  return { task: data, receivedAt: dataUpdatedAt, error };
}
