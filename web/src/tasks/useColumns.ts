import { useCallback, useState } from 'react';
import { COLUMNS, DEFAULT_COLUMNS } from './columns';

const STORAGE_KEY = 'taskdeck.table.columns';

/** The columns the user chose, remembered in this browser (localStorage) across reloads. */
export function useColumns(): [readonly string[], (keys: string[]) => void] {
  const [shown, setShown] = useState<readonly string[]>(() => {
    try {
      const stored: unknown = JSON.parse(localStorage.getItem(STORAGE_KEY) ?? 'null');
      const known = new Set(COLUMNS.map((c) => c.key));
      if (Array.isArray(stored)) return stored.filter((k): k is string => typeof k === 'string' && known.has(k));
    } catch {
      // Unreadable or unavailable storage: the default layout.
    }
    return DEFAULT_COLUMNS;
  });
  const choose = useCallback((keys: string[]) => {
    setShown(keys);
    try {
      localStorage.setItem(STORAGE_KEY, JSON.stringify(keys));
    } catch {
      // Private mode without storage: the choice lasts for this page only.
    }
  }, []);
  return [shown, choose];
}
