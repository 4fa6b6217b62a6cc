import { afterEach, describe, expect, it } from 'vitest';
import type { FailureLimit } from '../../../api/auth';
import { inProcessApi, request } from './inProcess';

const TOKEN = 'ada-token-0123456789';
const TOKENS = new Map([[TOKEN, { user: 'ada', role: 'user' as const }]]);
const bearer = (token: string, from?: string) => ({ headers: { authorization: `Bearer ${token}`, ...(from && { 'x-forwarded-for': from }) } });

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});

async function api(authFailures: FailureLimit, trustProxy?: number): Promise<string> {
  const started = await inProcessApi({ auth: TOKENS, authFailures, trustProxy });
  close = started.close;
  return started.url;
}

describe('failed authentication is rate-limited per client address', () => {
  it('answers 429 with Retry-After once an address has sent too many wrong tokens, to a right token too', async () => {
    const base = await api({ max: 3, windowMs: 60_000 });
    for (let i = 0; i < 3; i++) expect((await request(base, 'GET', '/me', bearer(`guess-${i}`))).status).toBe(401);
    const limited = await request(base, 'GET', '/me', bearer('guess-3'));
    expect(limited.status).toBe(429);
    expect(limited.body.error).toMatch(/^Too many failed authentications from this address; try again in \d+ s$/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    // A right guess looks the same as a wrong one until the window ends: guessing on learns nothing.
    const right = await request(base, 'GET', '/me', bearer(TOKEN));
    expect(right.status).toBe(429);
    expect((await request(base, 'POST', '/tasks', { json: {} })).status).toBe(429);
  });

  it('lets the address try again when the window ends', async () => {
    const base = await api({ max: 1, windowMs: 1500 });
    expect((await request(base, 'GET', '/me', bearer('wrong'))).status).toBe(401);
    expect((await request(base, 'GET', '/me', bearer(TOKEN))).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 1700));
    expect((await request(base, 'GET', '/me', bearer(TOKEN))).body).toEqual({ auth: true, user: 'ada', role: 'user' });
  });

  it('does not count a missing token (a page opened before signing in) or a right one', async () => {
    const base = await api({ max: 2, windowMs: 60_000 });
    for (let i = 0; i < 10; i++) {
      expect((await request(base, 'GET', '/me')).status).toBe(401);
      expect((await request(base, 'GET', '/me', bearer(TOKEN))).status).toBe(200);
    }
    expect((await request(base, 'GET', '/me', bearer('wrong'))).status).toBe(401);
  });

  it('counts each client address on its own, behind a trusted proxy', async () => {
    const base = await api({ max: 2, windowMs: 60_000 }, 1);
    for (let i = 0; i < 2; i++) expect((await request(base, 'GET', '/me', bearer('wrong', '203.0.113.7'))).status).toBe(401);
    expect((await request(base, 'GET', '/me', bearer(TOKEN, '203.0.113.7'))).status).toBe(429);
    expect((await request(base, 'GET', '/me', bearer(TOKEN, '198.51.100.4'))).status).toBe(200);
    expect((await request(base, 'GET', '/me', bearer('wrong', '198.51.100.4'))).status).toBe(401);
  });

});
