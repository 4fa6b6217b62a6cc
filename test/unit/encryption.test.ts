import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { decodeArrayFromPayloads, encodeToPayloads, loadDataConverter } from '@temporalio/common/lib/internal-non-workflow';
import { describe, expect, it } from 'vitest';
import { SECRET_MASK, maskSecrets } from '../../core';
import { EncryptionCodec, carriesSecrets, taskdeckDataConverter, type EncryptionKey } from '../../runtime/encryption';

const key = (id: string): EncryptionKey => ({ id, key: randomBytes(32) });
const json = (value: unknown): Payload => defaultPayloadConverter.toPayload(value);
const text = (bytes: Uint8Array | null | undefined): string => Buffer.from(bytes ?? new Uint8Array()).toString('utf8');

const SECRET = 'hunter2-very-secret';
const TASK_INPUT = { input: { command: 'echo "$TOKEN"', env: { TOKEN: SECRET } }, tag: 'nightly' };

describe('the encryption codec', () => {
  it('encrypts a payload that carries environment values, and decodes it back exactly', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const plain = json(TASK_INPUT);
    const [encoded] = await codec.encode([plain]);
    expect(text(encoded.metadata?.encoding)).toBe('binary/encrypted');
    expect(text(encoded.metadata?.['encryption-key-id'])).toBe('k1');
    expect(Buffer.from(encoded.data!).includes(SECRET)).toBe(false);
    expect(Buffer.from(encoded.data!).includes('TOKEN')).toBe(false);
    const [decoded] = await codec.decode([encoded]);
    expect(defaultPayloadConverter.fromPayload(decoded)).toEqual(TASK_INPUT);
    // A fresh nonce each time: the same input never gives the same ciphertext.
    const [again] = await codec.encode([plain]);
    expect(Buffer.from(again.data!).equals(Buffer.from(encoded.data!))).toBe(false);
  });

  it('leaves every other payload readable: no env, an empty env, not JSON', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const others = [json({ command: 'true' }), json({ input: { command: 'true', env: {} } }), json('env'), json({ task_id: 'a' }), defaultPayloadConverter.toPayload(new Uint8Array([1, 2]))];
    expect(await codec.encode(others)).toEqual(others);
  });

  it('finds env objects at any depth and as other SDKs write them', () => {
    expect(carriesSecrets(json({ tasks: [{ request: { input: { env: { A: 'b' } } } }] }))).toBe(true);
    const python = { metadata: { encoding: Buffer.from('json/plain') }, data: Buffer.from('{"input": {"env": {"A": "b"}}}') };
    expect(carriesSecrets(python)).toBe(true);
    expect(carriesSecrets(json({ environment: { A: 'b' } }))).toBe(false);
  });

  it('passes payloads that are not encrypted through decode: old histories and other applications still read', async () => {
    const codec = new EncryptionCodec([key('k1')]);
    const plain = [json(TASK_INPUT), json({ progress: 3 })];
    expect(await codec.decode(plain)).toEqual(plain);
    expect(await new EncryptionCodec([]).decode(plain)).toEqual(plain);
  });

  it('decrypts with every configured key and encrypts with the first: a rotation keeps old tasks readable', async () => {
    const old = key('k2025');
    const current = key('k2026');
    const [before] = await new EncryptionCodec([old]).encode([json(TASK_INPUT)]);
    const rotated = new EncryptionCodec([current, old]);
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([before]))[0])).toEqual(TASK_INPUT);
    const [after] = await rotated.encode([json(TASK_INPUT)]);
    expect(text(after.metadata?.['encryption-key-id'])).toBe('k2026');
  });

  it('refuses, naming the key id, a payload whose key is not configured, altered, or under a reused id', async () => {
    const [encoded] = await new EncryptionCodec([key('gone')]).encode([json(TASK_INPUT)]);
    await expect(new EncryptionCodec([key('k1')]).decode([encoded])).rejects.toThrow(/encrypted with key 'gone', which is not among the configured keys \(k1\); add it to TASKDECK_ENCRYPTION_KEYS/);
    await expect(new EncryptionCodec([]).decode([encoded])).rejects.toThrow(/no encryption key is configured; set TASKDECK_ENCRYPTION_KEYS/);
    await expect(new EncryptionCodec([key('gone')]).decode([encoded])).rejects.toThrow(/does not decrypt with key 'gone'/);
    const owner = key('k1');
    const [mine] = await new EncryptionCodec([owner]).encode([json(TASK_INPUT)]);
    const altered = Buffer.from(mine.data!);
    altered[20] ^= 1;
    await expect(new EncryptionCodec([owner]).decode([{ ...mine, data: altered }])).rejects.toThrow(/does not decrypt with key 'k1'/);
  });

  it('runs inside the SDK data converter of Taskdeck clients and workers', async () => {
    const converter = loadDataConverter(taskdeckDataConverter([key('k1')]));
    const payloads = await encodeToPayloads(converter, TASK_INPUT, 'plain');
    expect(payloads?.map((p) => text(p.metadata?.encoding))).toEqual(['binary/encrypted', 'json/plain']);
    expect(await decodeArrayFromPayloads(converter, payloads)).toEqual([TASK_INPUT, 'plain']);
    // Without a key nothing is encrypted.
    const off = loadDataConverter(taskdeckDataConverter(undefined));
    expect((await encodeToPayloads(off, TASK_INPUT))?.map((p) => text(p.metadata?.encoding))).toEqual(['json/plain']);
  });
});

describe('maskSecrets', () => {
  it('shows every env value as the mask, at any depth, and the rest as it was', () => {
    expect(maskSecrets({ command: 'echo $A', env: { A: 'one', LONGER_NAME: 'two' }, cwd: '/tmp' })).toEqual({
      command: 'echo $A',
      env: { A: SECRET_MASK, LONGER_NAME: SECRET_MASK },
      cwd: '/tmp',
    });
    expect(maskSecrets([{ request: { input: { env: { B: 'x' } } } }, 3, null])).toEqual([{ request: { input: { env: { B: SECRET_MASK } } } }, 3, null]);
    expect(maskSecrets({ url: 'https://x', env: 'not an object' })).toEqual({ url: 'https://x', env: 'not an object' });
    expect(maskSecrets(null)).toBeNull();
  });
});
