import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, temporalAddress } from '../../runtime/config';
import { ensureKeysFile } from '../../runtime/encryption';

describe('loadConfig', () => {
  it('applies the defaults to an empty environment', () => {
    // The encryption keys default to a file of the data folder, which `npm start` may have made here: tested below.
    const { encryption: _fromDataFolder, ...config } = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      dataDir: resolve('.taskdeck'),
      logsRoot: resolve('.taskdeck', 'logs'),
      minFreeBytes: 100 * 1024 * 1024,
      taskQueue: 'taskdeck',
      workerActivities: 100,
      pollMs: 1000,
      pipelineSegmentTasks: 1000,
      checkMs: 30_000,
      snapshotMs: 600_000,
      auth: undefined,
      authFailures: { max: 20, windowMs: 300_000 },
      trustProxy: undefined,
      approvalTypes: [],
      node: { name: undefined, cores: undefined, memoryMb: undefined, gpus: undefined },
      temporal: {
        address: undefined,
        namespace: 'default',
        apiKey: undefined,
        tls: false,
        tlsCert: undefined,
        tlsKey: undefined,
        tlsCa: undefined,
        tlsServerName: undefined,
        uiUrl: 'http://localhost:8233',
        cli: undefined,
        embeddedPort: 7233,
        embeddedUiPort: 8233,
      },
    });
    expect(temporalAddress(loadConfig({}))).toBe('localhost:7233');
  });

  it('reads the values it is given', () => {
    const config = loadConfig({ PORT: '3000', TASKDECK_DATA: '/srv/td', TASKDECK_POLL_MS: '250', TEMPORAL_UI_PORT: '9000' });
    expect(config).toMatchObject({ port: 3000, dataDir: resolve('/srv/td'), logsRoot: resolve('/srv/td/logs'), pollMs: 250 });
    expect(config.temporal.uiUrl).toBe('http://localhost:9000');
  });

  it.each(['abc', '70000', '-1', '80.5'])('names PORT when PORT=%j is invalid', (PORT) => {
    expect(() => loadConfig({ PORT })).toThrow(/Invalid environment:[\s\S]*PORT: /);
  });

  it('names every bad variable', () => {
    expect(() => loadConfig({ PORT: 'x', TASKDECK_POLL_MS: '5' })).toThrow(/PORT: [\s\S]*TASKDECK_POLL_MS: /);
  });

  it('with TEMPORAL_ADDRESS uses that cluster and has no UI link by default', () => {
    const config = loadConfig({ TEMPORAL_ADDRESS: 'temporal.example:7233' });
    expect(config.temporal.address).toBe('temporal.example:7233');
    expect(config.temporal.uiUrl).toBeUndefined();
    expect(temporalAddress(config)).toBe('temporal.example:7233');
  });

  it('TEMPORAL_UI_URL wins with or without TEMPORAL_ADDRESS', () => {
    expect(loadConfig({ TEMPORAL_UI_URL: 'https://ui.example' }).temporal.uiUrl).toBe('https://ui.example');
    expect(loadConfig({ TEMPORAL_ADDRESS: 'x:1', TEMPORAL_UI_URL: 'https://ui.example' }).temporal.uiUrl).toBe('https://ui.example');
  });

  it('turns TLS on from TEMPORAL_TLS, a certificate or an API key', () => {
    expect(loadConfig({ TEMPORAL_TLS: 'true' }).temporal.tls).toBe(true);
    expect(loadConfig({ TEMPORAL_TLS: '1' }).temporal.tls).toBe(true);
    expect(loadConfig({ TEMPORAL_TLS: 'false' }).temporal.tls).toBe(false);
    expect(loadConfig({ TEMPORAL_API_KEY: 'k' }).temporal.tls).toBe(true);
    expect(loadConfig({ TEMPORAL_TLS_CERT: '/c.pem' }).temporal.tls).toBe(true);
    expect(() => loadConfig({ TEMPORAL_TLS: 'yes' })).toThrow(/TEMPORAL_TLS: /);
  });

  it('turns authentication on from TASKDECK_AUTH_TOKENS and TASKDECK_AUTH_FILE, and names a bad entry', () => {
    const dir = mkdtempSync(join(tmpdir(), 'auth-'));
    const file = join(dir, 'auth.json');
    writeFileSync(file, JSON.stringify({ tokens: { 'admin-0123456789ab': { user: 'root', role: 'admin' } } }));
    const auth = loadConfig({ TASKDECK_AUTH_TOKENS: 'ada-0123456789abcd:ada:user, op-0123456789abcde:olga:operator', TASKDECK_AUTH_FILE: file }).auth;
    expect(auth && Object.fromEntries(auth)).toEqual({
      'ada-0123456789abcd': { user: 'ada', role: 'user' },
      'op-0123456789abcde': { user: 'olga', role: 'operator' },
      'admin-0123456789ab': { user: 'root', role: 'admin' },
    });
    expect(() => loadConfig({ TASKDECK_AUTH_TOKENS: 't:ada:boss' })).toThrow(/TASKDECK_AUTH_TOKENS: 't:\.\.\.' must be token:user:role/);
    writeFileSync(file, JSON.stringify({ tokens: { t: { user: 'x', role: 'king' } } }));
    expect(() => loadConfig({ TASKDECK_AUTH_FILE: file })).toThrow(/TASKDECK_AUTH_FILE: .*tokens\.t\.role/);
    expect(() => loadConfig({ TASKDECK_AUTH_FILE: join(dir, 'missing.json') })).toThrow(/TASKDECK_AUTH_FILE: cannot read/);
    rmSync(dir, { recursive: true });
  });

  it('refuses a token shorter than 16 characters, naming the setting and the user but not the token', () => {
    const short = () => loadConfig({ TASKDECK_AUTH_TOKENS: 'long-enough-token-1:ada:user,s3cret-olga:olga:operator' });
    expect(short).toThrow(/TASKDECK_AUTH_TOKENS: the token of olga \(operator\) has 11 characters; a token needs at least 16/);
    expect(short).not.toThrow(/s3cret/);
    const dir = mkdtempSync(join(tmpdir(), 'auth-'));
    const file = join(dir, 'auth.json');
    writeFileSync(file, JSON.stringify({ tokens: { 'root-15-chars-x': { user: 'root', role: 'admin' } } }));
    expect(() => loadConfig({ TASKDECK_AUTH_FILE: file })).toThrow(/TASKDECK_AUTH_FILE: the token of root \(admin\) has 15 characters/);
    rmSync(dir, { recursive: true });
    expect(loadConfig({ TASKDECK_AUTH_TOKENS: '0123456789abcdef:ada:user' }).auth?.size).toBe(1);
  });

  it('reads the failed-authentication limit and which proxy to trust for the address', () => {
    expect(loadConfig({ TASKDECK_AUTH_MAX_FAILURES: '5', TASKDECK_AUTH_FAILURE_WINDOW_S: '60' }).authFailures).toEqual({ max: 5, windowMs: 60_000 });
    expect(() => loadConfig({ TASKDECK_AUTH_MAX_FAILURES: '0' })).toThrow(/TASKDECK_AUTH_MAX_FAILURES: /);
    expect(loadConfig({ TASKDECK_TRUST_PROXY: '1' }).trustProxy).toBe(1);
    expect(loadConfig({ TASKDECK_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('takes the encryption keys from TASKDECK_ENCRYPTION_KEYS, else from the data folder, else none', () => {
    const dir = mkdtempSync(join(tmpdir(), 'keys-'));
    expect(loadConfig({ TASKDECK_DATA: dir }).encryption).toBeUndefined();
    const made = ensureKeysFile(dir);
    expect(made.created).toBe(true);
    expect(statSync(made.path).mode & 0o777).toBe(0o600);
    const fromFile = loadConfig({ TASKDECK_DATA: dir }).encryption;
    expect(fromFile?.source).toBe(made.path);
    expect(fromFile?.keys).toHaveLength(1);
    expect(fromFile?.keys[0].key).toHaveLength(32);
    // Made once: a second start keeps the key the data was encrypted with.
    expect(ensureKeysFile(dir).created).toBe(false);
    expect(loadConfig({ TASKDECK_DATA: dir }).encryption?.keys[0].key).toEqual(fromFile?.keys[0].key);

    const a = Buffer.alloc(32, 1).toString('base64');
    const b = Buffer.alloc(32, 2).toString('base64');
    const given = loadConfig({ TASKDECK_DATA: dir, TASKDECK_ENCRYPTION_KEYS: `new:${a}, old:${b}` }).encryption;
    expect(given?.source).toBe('TASKDECK_ENCRYPTION_KEYS');
    expect(given?.keys.map((k) => k.id)).toEqual(['new', 'old']);
    rmSync(dir, { recursive: true });
  });

  it.each([
    ['k1', /TASKDECK_ENCRYPTION_KEYS: each key is id:base64key/],
    ['k1:c2hvcnQ=', /TASKDECK_ENCRYPTION_KEYS: key 'k1' must be 32 bytes in base64/],
    [`bad id:${Buffer.alloc(32).toString('base64')}`, /TASKDECK_ENCRYPTION_KEYS: each key is id:base64key/],
    [`k1:${Buffer.alloc(32).toString('base64')},k1:${Buffer.alloc(32, 1).toString('base64')}`, /key id 'k1' is given twice/],
  ])('names TASKDECK_ENCRYPTION_KEYS when it is %j', (value, error) => {
    expect(() => loadConfig({ TASKDECK_ENCRYPTION_KEYS: value })).toThrow(error);
  });

  it('reads what a worker declares as its node, and names a bad value', () => {
    expect(loadConfig({ TASKDECK_NODE_NAME: 'gpu-1', TASKDECK_NODE_CORES: '8', TASKDECK_NODE_MEMORY_MB: '16384', TASKDECK_NODE_GPUS: '0, 1' }).node).toEqual({
      name: 'gpu-1',
      cores: 8,
      memoryMb: 16384,
      gpus: [0, 1],
    });
    expect(loadConfig({ TASKDECK_NODE_GPUS: 'none' }).node.gpus).toEqual([]);
    expect(() => loadConfig({ TASKDECK_NODE_GPUS: 'a,b' })).toThrow(/TASKDECK_NODE_GPUS: GPU indices separated by commas/);
    expect(() => loadConfig({ TASKDECK_NODE_CORES: '0' })).toThrow(/TASKDECK_NODE_CORES/);
    expect(() => loadConfig({ TASKDECK_NODE_NAME: 'has space' })).toThrow(/TASKDECK_NODE_NAME/);
  });

  it('reads TASKDECK_APPROVAL_TYPES and names an unknown type', () => {
    expect(loadConfig({ TASKDECK_APPROVAL_TYPES: 'command, model_training' }).approvalTypes).toEqual(['command', 'model_training']);
    expect(() => loadConfig({ TASKDECK_APPROVAL_TYPES: 'command,bake' })).toThrow(/TASKDECK_APPROVAL_TYPES: unknown task type bake/);
  });
});
