import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { METADATA_ENCODING_KEY, PayloadConverterError, type DataConverter, type Payload, type PayloadCodec } from '@temporalio/common';
import { temporal } from '@temporalio/proto';

/** One AES-256 key and the id stored beside what it encrypted, so a later list of keys finds it. */
export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The setting that lists the keys; without it, the keys file in the data folder is read. */
export const KEYS_SETTING = 'TASKDECK_ENCRYPTION_KEYS';

/** The keys file `npm start` creates in the data folder when no key is set (mode 0600). */
export const KEYS_FILE = 'encryption.keys';

/** Temporal's conventional metadata of an encrypted payload (the SDK samples and the Web UI use them). */
export const ENCRYPTED_ENCODING = 'binary/encrypted';
const KEY_ID_METADATA = 'encryption-key-id';
const CIPHER_METADATA = 'encryption-cipher';
const CIPHER = 'AES-256-GCM';
const NONCE_BYTES = 12;
const TAG_BYTES = 16;

const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;
/** 32 bytes in standard base64. */
const BASE64_KEY = /^[A-Za-z0-9+/]{43}=$/;

/**
 * A JSON payload that holds an `env` object with at least one variable: a task's input, a
 * pipeline's or a schedule's (every task in it), the command activity's argument, the state query's
 * answer. JSON.stringify writes `"env":{"`; other SDKs may put spaces around the colon.
 */
const ENV_OBJECT = /"env"\s*:\s*\{\s*"/;

/**
 * Parses `id:base64key,id:base64key` (commas or new lines; a line starting with # is a comment):
 * the first key encrypts, every key decrypts. A bad entry stops the process at start with the setting's name, never the key.
 */
export function parseEncryptionKeys(text: string, setting: string): EncryptionKey[] {
  const entries = text
    .split('\n')
    .filter((line) => !line.trim().startsWith('#'))
    .flatMap((line) => line.split(','))
    .map((e) => e.trim())
    .filter(Boolean);
  const keys: EncryptionKey[] = [];
  for (const entry of entries) {
    const at = entry.indexOf(':');
    const id = entry.slice(0, at);
    const encoded = entry.slice(at + 1);
    if (at < 1 || !KEY_ID.test(id)) {
      throw new Error(`Invalid environment:\n  ${setting}: each key is id:base64key, with an id of letters, digits, '.', '_' or '-' (up to 64)`);
    }
    if (!BASE64_KEY.test(encoded)) {
      throw new Error(`Invalid environment:\n  ${setting}: key '${id}' must be 32 bytes in base64 (44 characters; make one with: openssl rand -base64 32)`);
    }
    if (keys.some((k) => k.id === id)) throw new Error(`Invalid environment:\n  ${setting}: key id '${id}' is given twice`);
    keys.push({ id, key: Buffer.from(encoded, 'base64') });
  }
  if (keys.length === 0) throw new Error(`Invalid environment:\n  ${setting}: no key; give id:base64key`);
  return keys;
}

/** A fresh key with an id of the day it was made (`k20261130-1a2b`), as `id:base64key`. */
export function newKeyLine(now = new Date()): string {
  const day = now.toISOString().slice(0, 10).replaceAll('-', '');
  return `k${day}-${randomBytes(2).toString('hex')}:${randomBytes(32).toString('base64')}`;
}

/**
 * The data folder's keys file, created with one new key when it does not exist yet. Only a launcher
 * that owns the data folder calls this (`npm start`, a test stack): processes that share one
 * cluster must share one key, so a worker or API never makes up its own.
 */
export function ensureKeysFile(dataDir: string): { path: string; created: boolean } {
  const path = join(dataDir, KEYS_FILE);
  if (existsSync(path)) return { path, created: false };
  try {
    writeFileSync(path, `# Taskdeck's payload encryption keys (docs/deployment.md): the first encrypts, all decrypt.\n${newKeyLine()}\n`, { mode: 0o600, flag: 'wx' });
  } catch (err) {
    // Another launcher on the same folder made it first: use that one.
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return { path, created: false };
    throw err;
  }
  return { path, created: true };
}

/** The keys file of a data folder, if there is one. */
export function readKeysFile(dataDir: string): { keys: EncryptionKey[]; path: string } | undefined {
  const path = join(dataDir, KEYS_FILE);
  if (!existsSync(path)) return undefined;
  return { keys: parseEncryptionKeys(readFileSync(path, 'utf8'), path), path };
}

/**
 * Temporal's own mechanism for secrets: a payload codec, run by every client and worker Taskdeck
 * builds, between the SDK's JSON converter and the wire. It encrypts (AES-256-GCM, with the key
 * id as additional data) each payload that carries environment values, so they reach Temporal's
 * database, its Web UI and the history exports only as ciphertext; every other payload (names,
 * statuses, progress, the Web UI's summaries, the plugin's signals to other applications' workers)
 * stays as it was. Decoding leaves payloads that are not encrypted alone: histories written before
 * encryption, by other applications, or without a key still read.
 */
export class EncryptionCodec implements PayloadCodec {
  private readonly byId: ReadonlyMap<string, Buffer>;

  /** `keys[0]` encrypts; with no keys nothing is encrypted and an encrypted payload cannot be read. */
  constructor(private readonly keys: readonly EncryptionKey[]) {
    this.byId = new Map(keys.map((k) => [k.id, k.key]));
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    const current = this.keys[0];
    if (!current) return payloads;
    return payloads.map((payload) => (carriesSecrets(payload) ? encrypt(payload, current) : payload));
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== ENCRYPTED_ENCODING) return payload;
      const id = text(payload.metadata?.[KEY_ID_METADATA]) ?? '';
      const key = this.byId.get(id);
      if (!key) {
        throw new PayloadConverterError(
          this.keys.length
            ? `a payload is encrypted with key '${id}', which is not among the configured keys (${[...this.byId.keys()].join(', ')}); add it to ${KEYS_SETTING}`
            : `a payload is encrypted with key '${id}', and no encryption key is configured; set ${KEYS_SETTING}`,
        );
      }
      return decrypt(payload.data ?? new Uint8Array(), id, key);
    });
  }
}

/** The data converter of every Taskdeck client and worker: the SDK's JSON converter and the codec. */
export function taskdeckDataConverter(keys: readonly EncryptionKey[] | undefined): DataConverter {
  return { payloadCodecs: [new EncryptionCodec(keys ?? [])] };
}

/** Whether the codec encrypts this payload: JSON that holds a non-empty `env` object. */
export function carriesSecrets(payload: Payload): boolean {
  if (text(payload.metadata?.[METADATA_ENCODING_KEY]) !== 'json/plain' || !payload.data) return false;
  return ENV_OBJECT.test(Buffer.from(payload.data).toString('utf8'));
}

function encrypt(payload: Payload, { id, key }: EncryptionKey): Payload {
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(Buffer.from(id));
  const plain = temporal.api.common.v1.Payload.encode(payload).finish();
  const data = Buffer.concat([nonce, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
  return {
    metadata: {
      [METADATA_ENCODING_KEY]: Buffer.from(ENCRYPTED_ENCODING),
      [KEY_ID_METADATA]: Buffer.from(id),
      [CIPHER_METADATA]: Buffer.from(CIPHER),
    },
    data,
  };
}

function decrypt(data: Uint8Array, id: string, key: Buffer): Payload {
  const bytes = Buffer.from(data);
  if (bytes.length < NONCE_BYTES + TAG_BYTES) throw new PayloadConverterError(`an encrypted payload (key '${id}') is too short`);
  const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, NONCE_BYTES));
  decipher.setAAD(Buffer.from(id));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  let plain: Buffer;
  try {
    plain = Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    throw new PayloadConverterError(`an encrypted payload does not decrypt with key '${id}' (another key under the same id, or altered data)`);
  }
  return temporal.api.common.v1.Payload.decode(plain);
}

function text(bytes: Uint8Array | null | undefined): string | undefined {
  return bytes ? Buffer.from(bytes).toString('utf8') : undefined;
}
