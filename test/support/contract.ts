import { ENDPOINTS, ROUTE_SPECS, errorBody, matchEndpoint, openApiDocument, openApiPath, type Reply } from '../../core/contract';

/** The document as a deployment with authentication on serves it: every status any route can give. */
const DOCUMENT = openApiDocument({ auth: true }) as { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };

export interface Answer {
  method: string;
  /** Path and query, as requested. */
  url: string;
  status: number;
  contentType: string;
  /** The parsed JSON body, or the text of anything else. */
  body: unknown;
}

/**
 * What is wrong with an answer of the API, measured against the contract: a status the
 * operation does not document, or a body that its schema refuses (a missing field, an extra one,
 * a wrong type). Undefined when the answer is what the contract promises. A path no route has may
 * answer only 404 or 405.
 */
export function contractProblem(answer: Answer): string | undefined {
  const pathname = new URL(answer.url, 'http://x').pathname;
  const name = matchEndpoint(answer.method === 'HEAD' ? 'GET' : answer.method, pathname);
  const where = `${answer.method} ${answer.url} → ${answer.status}`;
  if (!name) {
    if (answer.status !== 404 && answer.status !== 405) return `${where}: no route has this path, yet it did not answer 404 or 405`;
    return schemaProblem(where, answer, { description: '', json: errorBody });
  }
  const endpoint = ENDPOINTS[name];
  const documented = DOCUMENT.paths[openApiPath(endpoint.path)][endpoint.method].responses;
  if (!(String(answer.status) in documented)) return `${where}: ${name} does not document status ${answer.status} (documented: ${Object.keys(documented).join(', ')})`;
  const reply = (ROUTE_SPECS[name].replies as Record<number, Reply>)[answer.status];
  if (answer.method === 'HEAD') return undefined;
  return schemaProblem(where, answer, reply ?? { description: '', json: errorBody });
}

function schemaProblem(where: string, answer: Answer, reply: Reply): string | undefined {
  if ('events' in reply) return answer.contentType.includes('text/event-stream') ? undefined : `${where}: expected an event stream, got ${answer.contentType}`;
  if ('file' in reply) return answer.contentType.includes(reply.file) ? undefined : `${where}: expected ${reply.file}, got ${answer.contentType}`;
  if (!answer.contentType.includes('application/json')) return `${where}: expected JSON, got ${answer.contentType || 'no content type'}`;
  const parsed = reply.json.safeParse(answer.body);
  if (parsed.success) return undefined;
  const issues = parsed.error.issues.slice(0, 5).map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  return `${where}: the body does not match the contract: ${issues.join('; ')}`;
}
