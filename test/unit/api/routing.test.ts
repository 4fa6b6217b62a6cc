import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ENDPOINTS, fillPath, matchEndpoint } from '../../../core/contract';
import { inProcessApi, request } from './inProcess';

const TOKENS = new Map([['t-ada', { user: 'ada', role: 'user' as const }]]);

describe('routes made from the contract', () => {
  let base: string;
  let close: () => Promise<void>;
  let web: string;
  beforeAll(async () => {
    web = mkdtempSync(join(tmpdir(), 'taskdeck-web-'));
    writeFileSync(join(web, 'index.html'), '<!doctype html><title>Taskdeck</title>');
    ({ url: base, close } = await inProcessApi({ webDir: web }));
  });
  afterAll(async () => {
    await close();
    rmSync(web, { recursive: true, force: true });
  });

  it('answers a method a path does not take with 405 and the methods it does', async () => {
    const res = await request(base, 'DELETE', '/tasks/abc');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, OPTIONS');
    expect(res.body.error).toContain('DELETE is not allowed on /tasks/abc');
    const put = await request(base, 'PUT', '/tasks');
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD, OPTIONS, POST');
  });

  it('answers a path no route has with a JSON 404', async () => {
    const res = await request(base, 'GET', '/nope', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('/nope');
  });

  it('serves the web app under /ui, and the API everywhere else, whatever the Accept header says', async () => {
    const page = await fetch(`${base}/ui/tasks/abc`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>Taskdeck</title>');
    const api = await request(base, 'GET', '/tasks?limit=0', { headers: { accept: 'text/html' } });
    expect(api.status).toBe(400);
  });

  it('sends a browser opening an old page address to its page under /ui, and any other client to the API', async () => {
    for (const path of ['/tasks/abc', '/graph?batch=b1', '/batches/b1', '/approvals', '/submit', '/sign-in?next=%2F']) {
      const res = await fetch(`${base}${path}`, { redirect: 'manual', headers: { 'sec-fetch-dest': 'document', accept: 'text/html' } });
      expect(res.status, path).toBe(302);
      expect(res.headers.get('location'), path).toBe(`/ui${path}`);
    }
    const home = await fetch(`${base}/?batch=b1`, { redirect: 'manual' });
    expect(home.headers.get('location')).toBe('/ui/?batch=b1');
    const fromScript = await request(base, 'GET', '/graph?depth=0&task=x', { headers: { accept: 'text/html' } });
    expect(fromScript.status).toBe(400);
  });

  it('builds every path of the contract from its parameters, each one segment', () => {
    expect(fillPath(ENDPOINTS.taskLogs.path, { id: 'a/b c' })).toBe('/tasks/a%2Fb%20c/logs');
    expect(() => fillPath(ENDPOINTS.getTask.path, {})).toThrow(':id');
  });
});

describe('authentication comes first', () => {
  let base: string;
  let close: () => Promise<void>;
  beforeAll(async () => ({ url: base, close } = await inProcessApi({ auth: TOKENS })));
  afterAll(() => close());

  it('answers a malformed body without a token with 401, not 400', async () => {
    const res = await request(base, 'POST', '/tasks', { raw: '{"type": ' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('missing bearer token');
    const invalid = await request(base, 'GET', '/tasks?limit=0', { headers: { authorization: 'Bearer nope' } });
    expect(invalid.status).toBe(401);
    expect(invalid.body.error).toBe('invalid token');
  });

  it('validates once the token is good', async () => {
    const res = await request(base, 'GET', '/tasks?limit=0', { headers: { authorization: 'Bearer t-ada' } });
    expect(res.status).toBe(400);
  });

  it('takes ?access_token= only on the routes a browser opens without headers', async () => {
    const listed = await request(base, 'GET', '/tasks?access_token=t-ada');
    expect(listed.status).toBe(401);
    const search = await request(base, 'GET', '/tasks/x/logs/search?access_token=t-ada');
    expect(search.status).toBe(401);
  });

  it('keeps /healthz open for probes', async () => {
    const res = await request(base, 'GET', '/healthz');
    expect(res.status).toBe(200);
  });

  it('says who is signed in', async () => {
    const res = await request(base, 'GET', '/me', { headers: { authorization: 'Bearer t-ada' } });
    expect(res.body).toEqual({ auth: true, user: 'ada', role: 'user' });
  });
});

describe('matchEndpoint', () => {
  it('finds the route a request reaches, a literal segment before a parameter, a trailing slash as the router ignores it', () => {
    expect(matchEndpoint('POST', '/tasks/bulk/abort')).toBe('bulkAbort');
    expect(matchEndpoint('POST', '/tasks/abc/abort')).toBe('abortTask');
    expect(matchEndpoint('GET', '/tasks/')).toBe('listTasks');
    expect(matchEndpoint('DELETE', '/tasks')).toBeUndefined();
  });
});
