import { useEffect, useState } from 'react';
import { api } from '../api/client';
import { useToken } from '../api/session';
import type { Me } from '../api/types';

let cached: { token: string | null; me: Promise<Me> } | undefined;

/** Who is signed in (refetched when the token changes); undefined while loading or signed out. */
export function useMe(): Me | undefined {
  const token = useToken();
  const [me, setMe] = useState<Me | undefined>(undefined);
  useEffect(() => {
    let live = true;
    if (!cached || cached.token !== token) cached = { token, me: api.me() };
    const current = cached;
    current.me.then(
      (value) => live && setMe(value),
      () => {
        if (cached === current) cached = undefined;
        if (live) setMe(undefined);
      },
    );
    return () => {
      live = false;
    };
  }, [token]);
  return me;
}

/** Operators and admins review approvals; with authentication off nobody needs to. */
export const reviews = (me: Me | undefined): boolean => Boolean(me?.auth && me.role !== 'user');
