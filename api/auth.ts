import type { Request, RequestHandler, Response } from 'express';
import { mayAct, type Principal, type ScheduleAction, type TaskAction } from '../core';
import type { Endpoint } from '../core/contract';
import { HttpError } from './errors';

/** API tokens and whom each signs in; undefined turns authentication off (the local default). */
export type Tokens = ReadonlyMap<string, Principal>;

/**
 * Authentication of one route: with tokens configured it needs `Authorization: Bearer <token>`;
 * a missing or unknown token is a 401 that says which. Routes a browser opens without being able
 * to set a header (EventSource, a download link) also take `?access_token=`; no other route does,
 * so tokens stay out of the URLs (and logs) of ordinary calls. The caller is
 * `res.locals.principal`. Without tokens every request passes as nobody in particular.
 */
export function authenticate(tokens: Tokens | undefined, mode: Endpoint['auth']): RequestHandler {
  return (req, res, next) => {
    // Taken out of the query either way: the route's own query schema is strict and must not see it.
    const fromQuery = mode === 'token-or-query' ? queryToken(req) : undefined;
    if (!tokens || mode === 'public') return next();
    const token = bearer(req) ?? fromQuery;
    if (!token) throw unauthorized('missing bearer token');
    const principal = tokens.get(token);
    if (!principal) throw unauthorized('invalid token');
    res.locals.principal = principal;
    next();
  };
}

/** The signed-in caller, or undefined when authentication is off. */
export function principalOf(res: Response): Principal | undefined {
  return res.locals.principal as Principal | undefined;
}

/** A 403 naming the role, the action and the target, unless the caller may act on a task (or pipeline) of its owner. */
export function authorize(
  principal: Principal | undefined,
  action: TaskAction | ScheduleAction,
  target: { id: string; user: string | null },
  kind: 'task' | 'pipeline' | 'schedule' = 'task',
): void {
  if (mayAct(principal, action, target.user)) return;
  const reason = action === 'approve' || action === 'reject' ? 'only an operator or admin can' : `a user can only act on its own ${kind}s; it cannot`;
  throw new HttpError(403, `Forbidden: role ${principal!.role} (${principal!.user}) may not ${action} ${kind} ${target.id}: ${reason} ${action} it`, undefined, undefined, {
    role: principal!.role,
    action,
  });
}

function bearer(req: Request): string | undefined {
  const header = req.get('authorization');
  const match = header && /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

function queryToken(req: Request): string | undefined {
  const url = new URL(req.url, 'http://x');
  const token = url.searchParams.get('access_token') ?? undefined;
  if (token !== undefined) {
    // The route's own query schema is strict: it must not see the token.
    url.searchParams.delete('access_token');
    req.url = url.pathname + url.search;
  }
  return token;
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, message, undefined, undefined, { hint: 'send Authorization: Bearer <token>' });
}
