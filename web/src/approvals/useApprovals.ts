import { useQuery } from '@tanstack/react-query';
import { approvalsQuery } from '../api/queries';
import type { ApprovalItem } from '../api/types';

/** The approval queue, kept fresh by the live task events; `enabled` false fetches nothing. */
export function useApprovals(enabled: boolean): ApprovalItem[] | undefined {
  return useQuery({ ...approvalsQuery, enabled }).data;
}
