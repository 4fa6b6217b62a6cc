import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { TaskType } from '../api/types';

let loaded: Promise<TaskType[]> | undefined;

/** The task-type catalog, fetched once per page load. */
export function useTaskTypes(): { types: TaskType[] | undefined; error: string | undefined } {
  const [types, setTypes] = useState<TaskType[]>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    let active = true;
    loaded ??= api.taskTypes();
    loaded.then(
      (t) => active && setTypes(t),
      (err: Error) => {
        loaded = undefined;
        if (active) setError(err.message);
      },
    );
    return () => {
      active = false;
    };
  }, []);
  return { types, error };
}

export function typeLabel(types: TaskType[] | undefined, id: string): string {
  return types?.find((t) => t.id === id)?.label ?? id;
}
