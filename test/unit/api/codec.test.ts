import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { afterEach, describe, expect, it } from 'vitest';
import { EncryptionCodec } from '../../../runtime/encryption';
import { inProcessApi, request } from './inProcess';

const TOKENS = new Map([
  ['ada-token-0123456789', { user: 'ada', role: 'user' as const }],
  ['olga-token-0123456789', { user: 'olga', role: 'operator' as const }],
]);
const as = (token: string) => ({ authorization: `Bearer ${token}` });
const codec = new EncryptionCodec([{ id: 'k1', key: randomBytes(32) }]);
const SECRET = { input: { command: 'deploy', env: { API_TOKEN: 'hunter2' } } };

/** A payload as the remote codec protocol sends it: protobuf JSON, bytes in base64. */
const wire = ({ metadata, data }: Payload) => ({
  metadata: Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])),
  data: Buffer.from(data!).toString('base64'),
});
const value = (p: { data?: string }) => JSON.parse(Buffer.from(p.data ?? '', 'base64').toString('utf8')) as unknown;

let close: (() => Promise<void>) | undefined;
afterEach(async () => {
  await close?.();
  close = undefined;
});
async function api(auth = true): Promise<string> {
  const started = await inProcessApi({ auth: auth ? TOKENS : undefined, codec });
  close = started.close;
  return started.url;
}

describe("POST /codec/decode, Temporal's remote codec protocol", () => {
  it('decrypts for an operator what the codec encrypted, and hands back other payloads as they were', async () => {
    const base = await api();
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const plain = defaultPayloadConverter.toPayload({ progress: 40 });
    const res = await request<{ payloads: { metadata: Record<string, string>; data: string }[] }>(base, 'POST', '/codec/decode', {
      json: { payloads: [wire(encrypted), wire(plain)] },
      headers: { ...as('olga-token-0123456789'), 'x-namespace': 'default' },
    });
    expect(res.status).toBe(200);
    expect(res.body.payloads.map(value)).toEqual([SECRET, { progress: 40 }]);
    expect(Buffer.from(res.body.payloads[0].metadata.encoding, 'base64').toString()).toBe('json/plain');
  });

  it('refuses a user (403), a caller without a token (401), bad base64 and unknown keys (400 naming the field)', async () => {
    const base = await api();
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const user = await request(base, 'POST', '/codec/decode', { json: { payloads: [wire(encrypted)] }, headers: as('ada-token-0123456789') });
    expect(user.status).toBe(403);
    expect(user.body.error).toBe('Forbidden: role user (ada) may not decode payloads: task secrets are for operators and admins');
    expect((await request(base, 'POST', '/codec/decode', { json: { payloads: [] } })).status).toBe(401);
    const bad = await request(base, 'POST', '/codec/decode', { json: { payloads: [{ data: 'not base64!' }] }, headers: as('olga-token-0123456789') });
    expect(bad).toMatchObject({ status: 400, body: { field: 'payloads.0.data' } });
    const [foreign] = await new EncryptionCodec([{ id: 'other', key: randomBytes(32) }]).encode([defaultPayloadConverter.toPayload(SECRET)]);
    const unknown = await request(base, 'POST', '/codec/decode', { json: { payloads: [wire(foreign)] }, headers: as('olga-token-0123456789') });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({ field: 'payloads', error: expect.stringContaining("encrypted with key 'other'") });
  });

  it('decodes for anyone with authentication off, like every route', async () => {
    const base = await api(false);
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(SECRET)]);
    const res = await request<{ payloads: { data: string }[] }>(base, 'POST', '/codec/decode', { json: { payloads: [wire(encrypted)] } });
    expect(res.body.payloads.map(value)).toEqual([SECRET]);
  });
});
