import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contractProblem } from '../support/contract';
import { startStack, type Stack } from '../support/stack';
import { httpClient, type Http } from './client';

/**
 * Hostile input and load against a real stack: generated requests over every route, adversarial
 * filter values, and many list clients while tasks keep starting.
 */
let stack: Stack;
let http: Http;

beforeAll(async () => {
  stack = await startStack('hostile', 'taskdeck-hostile');
  http = httpClient(stack.apiUrl);
});

afterAll(async () => {
  await stack?.stop();
});

interface Answer {
  status: number;
  type: string;
  body: unknown;
}

async function send(method: string, path: string, body?: string, contentType = 'application/json'): Promise<Answer> {
  const controller = new AbortController();
  const res = await fetch(`${stack.apiUrl}${path}`, {
    method,
    signal: controller.signal,
    headers: { accept: 'application/json', ...(body !== undefined ? { 'content-type': contentType } : {}) },
    body,
  });
  const type = res.headers.get('content-type') ?? '';
  // Event streams stay open: their status and type are the answer.
  if (type.includes('text/event-stream')) {
    controller.abort();
    return { status: res.status, type, body: null };
  }
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // a download or other text
  }
  return { status: res.status, type, body: parsed };
}

/** Text that a hostile client would send: quotes, query syntax, unicode, control characters, long runs. */
const nasty = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.constantFrom("'", '"', '\\', "' OR '1'='1", 'a AND b', '%', '%00', '../..', '\u0000', 'null', '-1', '1e309', 'NaN', '🙂', 'x'.repeat(300)),
);
const jsonValue = fc.jsonValue({ maxDepth: 3 });
const taskTypes = ['dataset_creation', 'media_addition', 'reindex', 'enrichment', 'snapshot_create', 'custom_metadata', 'training', 'synthesis', 'model_upload'];

const requests = fc.oneof(
  fc.record({ method: fc.constant('GET'), path: fc.dictionary(fc.constantFrom('limit', 'offset', 'within_hours', 'task_type', 'status', 'tag', 'dataset', 'dataset_id', 'user', 'q', 'sort', 'order', 'bogus'), nasty).map((q) => `/tasks?${new URLSearchParams(q)}`) }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/tasks'),
    // Never a command: a generated shell command is not something to run.
    body: fc.oneof(
      fc.record({ type: fc.constantFrom(...taskTypes), input: fc.oneof(fc.dictionary(fc.string({ maxLength: 12 }), jsonValue), jsonValue), dataset_id: fc.option(nasty, { nil: undefined }), name: fc.option(nasty, { nil: undefined }) }).map((b) => JSON.stringify(b)),
      jsonValue.map((v) => JSON.stringify(v)),
      fc.string({ maxLength: 60 }),
    ),
  }),
  fc.record({
    method: fc.constantFrom('GET', 'POST'),
    path: fc.tuple(nasty, fc.constantFrom('', '/abort', '/retry', '/logs', '/logs/download', '/logs/search', '/logs/follow'), fc.dictionary(fc.constantFrom('stream', 'page', 'q', 'limit', 'from', 'x'), nasty)).map(
      ([id, tail, q]) => `/tasks/${encodeURIComponent(id || 'x')}${tail}?${new URLSearchParams(q)}`,
    ),
  }),
  fc.record({ method: fc.constantFrom('GET', 'POST'), path: fc.tuple(nasty, fc.constantFrom('', '/enrichment/retry')).map(([id, tail]) => `/datasets/${encodeURIComponent(id || 'x')}${tail}`) }),
  fc.record({ method: fc.constant('GET'), path: fc.dictionary(fc.constantFrom('pipeline', 'batch', 'task', 'depth', 'within_hours', 'bogus'), nasty).map((q) => `/graph?${new URLSearchParams(q)}`) }),
  fc.record({
    method: fc.constant('POST'),
    path: fc.constant('/pipelines'),
    // Never a command here either.
    body: fc.oneof(
      fc
        .record({
          name: nasty,
          tasks: fc.array(
            fc.record({ key: nasty, type: fc.constantFrom(...taskTypes), input: fc.dictionary(fc.string({ maxLength: 12 }), jsonValue), depends_on: fc.option(fc.array(nasty, { maxLength: 3 }), { nil: undefined }) }),
            { maxLength: 4 },
          ),
        })
        .map((b) => JSON.stringify(b)),
      jsonValue.map((v) => JSON.stringify(v)),
    ),
  }),
  fc.record({ method: fc.constantFrom('GET', 'POST'), path: fc.tuple(nasty, fc.constantFrom('', '/abort')).map(([id, tail]) => `/pipelines/${encodeURIComponent(id || 'x')}${tail}`) }),
  fc.record({ method: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE'), path: fc.constantFrom('/pipelines', '/datasets', '/task-types', '/openapi.json', '/config', '/healthz', '/events', '/nope') }),
);

describe('5,000 generated requests over every route', () => {
  it('never get a 5xx, and every 4xx is a JSON error; a 400 names its field; every answer is one the contract documents', async () => {
    await fc.assert(
      fc.asyncProperty(requests, async (req) => {
        const body = 'body' in req ? (req.body as string) : undefined;
        const answer = await send(req.method, req.path, body);
        expect(answer.status, `${req.method} ${req.path} ${body ?? ''}`).toBeLessThan(500);
        expect(contractProblem({ method: req.method, url: req.path, status: answer.status, contentType: answer.type, body: answer.body })).toBeUndefined();
        if (answer.status >= 400) {
          expect(answer.type, `${req.method} ${req.path}`).toContain('application/json');
          const error = answer.body as { error?: unknown; field?: unknown };
          expect(typeof error.error, `${req.method} ${req.path}`).toBe('string');
          if (answer.status === 400) expect(typeof error.field === 'string' && error.field.length > 0, `${req.method} ${req.path} ${JSON.stringify(error)}`).toBe(true);
        }
      }),
      { numRuns: 5000, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );
  });
});

describe('adversarial filter values', () => {
  it('match only tasks with exactly that value, or get a 400', async () => {
    const plain = await http.post<{ id: string }>('/tasks', { type: 'command', tag: 'plain', input: { command: 'true' } });
    const values = ["plain' OR TaskdeckTag != '", 'plain\\', 'plain" OR 1=1', "plain') OR ('1'='1", 'plain AND WorkflowType = "command"', 'plain%', 'pläin', '🙂', 'p'.repeat(256)];
    for (const value of values) {
      for (const field of ['tag', 'dataset', 'dataset_id', 'user', 'q']) {
        const answer = await send('GET', `/tasks?${new URLSearchParams({ [field]: value })}`);
        if (answer.status === 400) continue;
        expect(answer.status).toBe(200);
        const ids = (answer.body as { id: string }[]).map((t) => t.id);
        expect(ids, `${field}=${value}`).not.toContain(plain.id);
      }
    }
    // The exact value still matches.
    await expect.poll(async () => (await http.get<{ id: string }[]>('/tasks?tag=plain')).map((t) => t.id), { timeout: 20_000 }).toContain(plain.id);
  });
});

describe('load', () => {
  it('serves 50 list clients while 20 tasks a second start for 60 s, without an error', async () => {
    const seconds = Number(process.env.LOAD_SECONDS ?? 60);
    const deadline = Date.now() + seconds * 1000;
    const latencies: number[] = [];
    const errors: string[] = [];
    const lister = async () => {
      while (Date.now() < deadline) {
        const started = performance.now();
        const answer = await send('GET', '/tasks?limit=50&status=R&status=Q&sort=duration').catch((err: Error) => ({ status: 0, type: '', body: err.message }));
        latencies.push(performance.now() - started);
        if (answer.status !== 200) errors.push(`list: ${answer.status} ${JSON.stringify(answer.body)}`);
      }
    };
    // Starts go out on schedule, 20 a second, whether or not earlier ones have answered.
    const starter = async () => {
      const sent: Promise<void>[] = [];
      const begin = Date.now();
      while (Date.now() < deadline) {
        const due = Math.min(seconds * 20, Math.floor(((Date.now() - begin) / 1000) * 20));
        while (sent.length < due) {
          sent.push(
            send('POST', '/tasks', JSON.stringify({ type: 'command', tag: 'load', input: { command: 'true' } })).then(
              (answer) => void (answer.status !== 201 && errors.push(`start: ${answer.status} ${JSON.stringify(answer.body)}`)),
              (err: Error) => void errors.push(`start: ${err.message}`),
            ),
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      await Promise.all(sent);
      return sent.length;
    };
    const [started] = await Promise.all([starter(), ...Array.from({ length: 50 }, lister)]);
    const sorted = [...latencies].sort((a, b) => a - b);
    const p99 = sorted[Math.floor(sorted.length * 0.99)];
    console.log(`load: ${started} starts and ${latencies.length} lists in ${seconds} s; list p99 ${p99.toFixed(1)} ms`);
    expect(errors).toEqual([]);
    expect(started).toBeGreaterThanOrEqual(seconds * 20 - 20);
  });
});
