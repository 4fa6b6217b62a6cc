import { useQuery } from '@tanstack/react-query';
import { meQuery } from '../api/queries';
import type { Me } from '../api/types';

/** Who is signed in (asked again after every sign-in and sign-out); undefined while loading or signed out. */
export function useMe(): Me | undefined {
  return useQuery(meQuery).data;
}

/** Operators and admins review approvals; with authentication off nobody needs to. */
export const reviews = (me: Me | undefined): boolean => Boolean(me?.auth && me.role !== 'user');
