import { useCallback, useEffect, useState } from 'react';
import { api } from '../api/client';
import type { ApprovalItem } from '../api/types';
import { useRefreshOnTaskEvents } from '../live/taskEvents';

/** Refetches at most this often while tasks change: the queue moves only when a task enters or leaves it. */
const REFRESH_MS = 1000;

/** The approval queue, kept fresh from the live task events; `enabled` false fetches nothing. */
export function useApprovals(enabled: boolean): { items: ApprovalItem[] | undefined; refresh: () => void } {
  const [items, setItems] = useState<ApprovalItem[] | undefined>(undefined);

  const refresh = useCallback(() => {
    if (!enabled) return;
    api.approvals().then(setItems, () => undefined);
  }, [enabled]);

  useEffect(refresh, [refresh]);

  // Only changes that can move the queue: a task waiting for approval, or one that just left it.
  useRefreshOnTaskEvents((task) => enabled && (task.status === 'pending_approval' || (items?.some((i) => i.id === task.id) ?? false)), refresh, REFRESH_MS);

  return { items, refresh };
}
