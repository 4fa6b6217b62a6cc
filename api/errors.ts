import { isGrpcServiceError } from '@temporalio/client';
import type { ErrorRequestHandler } from 'express';
import type { z } from 'zod';

export interface ErrorIssue {
  field: string;
  message: string;
}

/** The one error shape of the API: `{ error, field?, issues? }`, with the HTTP status. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly issues?: ErrorIssue[],
    /** More fields of the body, e.g. the `holder` of a dataset in a 409. */
    readonly extra?: Record<string, unknown>,
    /** Headers of the answer, e.g. the `Retry-After` of a 429. */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const notFound = (what: string): HttpError => new HttpError(404, `${what} not found`);
export const conflict = (message: string, extra?: Record<string, unknown>): HttpError => new HttpError(409, message, undefined, undefined, extra);

/** Turns a zod failure into a 400 that names the field at fault, prefixed by where it was. */
export function invalid(error: z.ZodError, prefix: string[] = []): HttpError {
  const issues = error.issues.map((issue) => {
    const path = [...prefix, ...issue.path.map(String)];
    // An unknown key is reported on its parent; name the key itself.
    if (issue.code === 'unrecognized_keys') {
      return { field: [...path, issue.keys[0]].join('.'), message: `unknown field${issue.keys.length > 1 ? 's' : ''} ${issue.keys.join(', ')}` };
    }
    return { field: path.join('.') || '(body)', message: issue.message };
  });
  const first = issues[0];
  return new HttpError(400, `${first.field}: ${first.message}`, first.field, issues);
}

export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, prefix: string[] = []): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw invalid(result.error, prefix);
  return result.data;
}

export const errorHandler: ErrorRequestHandler = (err, _req, res, next) => {
  if (res.headersSent) return next(err);
  if (err instanceof HttpError) {
    if (err.headers) res.set(err.headers);
    res.status(err.status).json({ error: err.message, field: err.field, issues: err.issues, ...err.extra });
    return;
  }
  // express.json() reports unparsable bodies as 400 (malformed JSON) or 413 (too large).
  const status = typeof err?.status === 'number' && err.status >= 400 && err.status < 500 ? err.status : undefined;
  if (status) {
    const message = err.type === 'entity.parse.failed' ? `Malformed JSON body: ${err.message}` : err.message;
    res.status(status).json({ error: message, field: '(body)' });
    return;
  }
  if (temporalUnreachable(err)) {
    res.status(503).json({ error: `Temporal does not answer: ${(err as Error).message}` });
    return;
  }
  console.error(err);
  res.status(500).json({ error: 'Internal error; see the API log' });
};

/** gRPC UNAVAILABLE or DEADLINE_EXCEEDED from Temporal, however the SDK wrapped it. */
function temporalUnreachable(err: unknown): boolean {
  for (let e = err; e; e = (e as { cause?: unknown }).cause) {
    if (isGrpcServiceError(e) && (e.code === 14 || e.code === 4)) return true;
  }
  return false;
}
