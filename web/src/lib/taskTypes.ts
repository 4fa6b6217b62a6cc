import { useQuery } from '@tanstack/react-query';
import { taskTypesQuery } from '../api/queries';
import type { TaskType } from '../api/types';

/** The task-type catalog, fetched once and kept (it changes only with a new deployment). */
export function useTaskTypes(): { types: TaskType[] | undefined; error: string | undefined } {
  const { data, error } = useQuery(taskTypesQuery);
  return { types: data, error: error?.message };
}

export function typeLabel(types: TaskType[] | undefined, id: string): string {
  return types?.find((t) => t.id === id)?.label ?? id;
}
