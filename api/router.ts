import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { ROUTES, type BodyOf, type EndpointName, type JsonReplyOf, type ParamsOf, type QueryOf, type Route } from '../core/contract';
import type { Principal } from '../core';
import { authenticate, failureLimiter, type FailureLimit, type Tokens } from './auth';
import { HttpError, invalid } from './errors';

/** What a handler gets: the request's parts parsed by the route's schemas, and who calls. */
export interface Call<K extends EndpointName> {
  params: ParamsOf<K>;
  query: QueryOf<K>;
  body: BodyOf<K>;
  principal: Principal | undefined;
  req: Request;
  res: Response;
}

/** What a handler returns when it wrote its answer itself (a stream, a file). */
export const STREAMED = { streamed: true } as const;

export type Handler<K extends EndpointName> = (call: Call<K>) => Promise<JsonReplyOf<K> | typeof STREAMED> | JsonReplyOf<K> | typeof STREAMED;

/** One handler for every route of the contract: the compiler says which one is missing. */
export type Handlers = { [K in EndpointName]: Handler<K> };

const JSON_LIMIT = '1mb';
/** A batch or a pipeline of 10,000 tasks is a few MB of JSON. */
const MANY_TASKS_JSON_LIMIT = '16mb';
const MANY_TASKS: ReadonlySet<EndpointName> = new Set(['startBatch', 'startPipeline']);

/**
 * The API's routes, made from the contract: each route authenticates (before anything is parsed,
 * so a caller without a token learns nothing about its input), parses its JSON body if it has
 * one, validates path, query and body with one middleware (a 400 naming the field), then runs its
 * handler and sends what it returns. A known path asked with another method is a 405 with Allow.
 */
export function contractRouter(handlers: Handlers, tokens: Tokens | undefined, failureLimit: FailureLimit): Router {
  const router = Router();
  // One count of failed authentications for every route of the process.
  const failures = tokens && failureLimiter(failureLimit);
  const methods = new Map<string, Set<string>>();
  for (const route of ROUTES) {
    const chain: RequestHandler[] = [authenticate(tokens, route.auth, failures)];
    if (route.body) chain.push(express.json({ limit: MANY_TASKS.has(route.name) ? MANY_TASKS_JSON_LIMIT : JSON_LIMIT }));
    chain.push(validated(route, handlers[route.name] as Handler<EndpointName>));
    router[route.method](route.path, ...chain);
    const allowed = methods.get(route.path) ?? new Set(['OPTIONS']);
    allowed.add(route.method.toUpperCase());
    if (route.method === 'get') allowed.add('HEAD');
    methods.set(route.path, allowed);
  }
  for (const [path, allowed] of methods) {
    const allow = [...allowed].sort().join(', ');
    router.all(path, (req, res) => {
      if (req.method === 'OPTIONS') {
        res.set('Allow', allow).status(204).end();
        return;
      }
      res.set('Allow', allow);
      throw new HttpError(405, `${req.method} is not allowed on ${req.path}; allowed: ${allow}`);
    });
  }
  return router;
}

function validated(route: Route, handler: Handler<EndpointName>): RequestHandler {
  return async (req, res) => {
    const call = {
      params: parse(route.params, req.params),
      query: parse(route.query, route.query ? { ...req.query } : undefined),
      body: parse(route.body, req.body),
      principal: res.locals.principal as Principal | undefined,
      req,
      res,
    } as Call<EndpointName>;
    const reply = (await handler(call)) as { status: number; body: unknown; headers?: Record<string, string> } | typeof STREAMED;
    if ('streamed' in reply) return;
    res.status(reply.status);
    if (reply.headers) res.set(reply.headers);
    res.json(reply.body);
  };
}

function parse(schema: Route['body'], value: unknown): unknown {
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error);
  return result.data;
}
