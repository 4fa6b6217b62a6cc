import type { Request, RequestHandler, Response } from 'express';
import { ipKeyGenerator, rateLimit, type RateLimitRequestHandler } from 'express-rate-limit';
import { mayAct, mayRead, type Principal, type ScheduleAction, type TaskAction } from '../core';
import type { Endpoint } from '../core/contract';
import { HttpError } from './errors';

/** API tokens and whom each signs in; undefined turns authentication off (the local default). */
export type Tokens = ReadonlyMap<string, Principal>;

/** How many failed authentications a client address may make in a window before it gets 429s. */
export interface FailureLimit {
  max: number;
  windowMs: number;
}

/**
 * The count of failed authentications per client address: express-rate-limit with its memory
 * store, so each API process counts its own. `authenticate` adds a hit only for a request that
 * fails, and asks the count before it looks at the token: once an address is over the limit, a
 * right token gets the same 429 as a wrong one, so guessing on learns nothing until the window
 * ends. A signed-in client is never slowed by its own traffic (open event streams, parallel calls).
 */
export function failureLimiter(limit: FailureLimit): FailureCount {
  const { max, windowMs } = limit;
  const count = rateLimit({
    windowMs,
    limit: max,
    keyGenerator: clientKey,
    standardHeaders: false,
    legacyHeaders: false,
    // Reached only by failures that raced past the check in `authenticate`.
    handler: (req, _res, next) => next(tooManyFailures((req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime, windowMs)),
  });
  return { count, limit };
}

export interface FailureCount {
  /** Adds one failure of the request's address; past the limit it answers 429 itself. */
  count: RateLimitRequestHandler;
  limit: FailureLimit;
}

/**
 * Authentication of one route: with tokens configured it needs `Authorization: Bearer <token>`;
 * a missing or unknown token is a 401 that says which, and an unknown one counts against the
 * client's address in `failures` (429 with Retry-After past the limit). Routes a browser opens without being able
 * to set a header (EventSource, a download link) also take `?access_token=`; no other route does,
 * so tokens stay out of the URLs (and logs) of ordinary calls. The caller is
 * `res.locals.principal`. Without tokens every request passes as nobody in particular.
 */
export function authenticate(tokens: Tokens | undefined, mode: Endpoint['auth'], failures?: FailureCount): RequestHandler {
  return async (req, res, next) => {
    // Taken out of the query either way: the route's own query schema is strict and must not see it.
    const fromQuery = mode === 'token-or-query' ? queryToken(req) : undefined;
    if (!tokens || mode === 'public') return next();
    const seen = failures && (await failures.count.getKey(clientKey(req)));
    if (failures && seen && seen.totalHits >= failures.limit.max) throw tooManyFailures(seen.resetTime, failures.limit.windowMs);
    const token = bearer(req) ?? fromQuery;
    const principal = token === undefined ? undefined : tokens.get(token);
    if (principal) {
      res.locals.principal = principal;
      return next();
    }
    // Only a wrong token is a guess; a missing one (a page opened before signing in) is not counted.
    if (token === undefined) throw unauthorized('missing bearer token');
    if (!failures) throw unauthorized('invalid token');
    await failures.count(req, res, (err?: unknown) => next(err ?? unauthorized('invalid token')));
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

/** A 403 naming the role and what it may not read, unless `mayRead` allows it. */
export function authorizeRead(principal: Principal | undefined, what: 'logs' | 'approvals' | 'secrets', target?: { id: string; user: string | null }): void {
  if (mayRead(principal, what, target?.user ?? null)) return;
  const message =
    what === 'logs'
      ? `Forbidden: role user (${principal!.user}) may not read the logs of task ${target!.id}: a user reads only its own tasks' logs; an operator or admin reads any`
      : what === 'secrets'
        ? `Forbidden: role user (${principal!.user}) may not decode payloads: task secrets are for operators and admins`
        : `Forbidden: role user (${principal!.user}) may not read the approval queue: it is for operators and admins`;
  throw new HttpError(403, message, undefined, undefined, { role: principal!.role, action: `read ${what}` });
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

/** The address a failure counts against: the client's IP (an IPv6 /56), or the proxy's unless `trust proxy` is set. */
function clientKey(req: Request): string {
  return ipKeyGenerator(req.ip ?? req.socket.remoteAddress ?? 'unknown');
}

function tooManyFailures(resetTime: Date | undefined, windowMs: number): HttpError {
  const seconds = Math.max(1, Math.ceil(((resetTime?.getTime() ?? Date.now() + windowMs) - Date.now()) / 1000));
  return new HttpError(429, `Too many failed authentications from this address; try again in ${seconds} s`, undefined, undefined, {
    hint: 'send a valid Authorization: Bearer <token> after Retry-After seconds',
  }, { 'Retry-After': String(seconds) });
}

function unauthorized(message: string): HttpError {
  return new HttpError(401, message, undefined, undefined, { hint: 'send Authorization: Bearer <token>' });
}
