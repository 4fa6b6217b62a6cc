import type { Request, RequestHandler, Response } from 'express';
import { mayAct, type Principal, type TaskAction } from '../core';
import { HttpError } from './errors';

/**
 * Routes a browser opens without being able to set a header: EventSource (live events, log
 * follow) and a download link. Only these take the token as `?access_token=`, so tokens do not
 * end up in the URLs (and logs) of ordinary calls.
 */
const QUERY_TOKEN_ROUTES = /^\/(events|tasks\/[^/]+\/logs\/(follow|download))$/;
/** Liveness probes of orchestrators carry no token and learn nothing about tasks. */
const PUBLIC_ROUTES = new Set(['/healthz']);

/**
 * Authentication: with tokens configured every route needs `Authorization: Bearer <token>`; a
 * missing or unknown token is a 401 that says which. The caller is `res.locals.principal`.
 * Without tokens (the local default) every request passes as nobody in particular.
 */
export function authenticate(tokens: ReadonlyMap<string, Principal> | undefined): RequestHandler {
  return (req, res, next) => {
    if (!tokens || PUBLIC_ROUTES.has(req.path)) return next();
    const token = bearer(req) ?? queryToken(req);
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
  action: TaskAction,
  target: { id: string; user: string | null },
  kind: 'task' | 'pipeline' = 'task',
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
  if (!QUERY_TOKEN_ROUTES.test(req.path)) return undefined;
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
