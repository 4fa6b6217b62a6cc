import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig, temporalAddress } from '../../runtime/config';

describe('loadConfig', () => {
  it('applies the defaults to an empty environment', () => {
    const config = loadConfig({});
    expect(config).toEqual({
      port: 8080,
      dataDir: resolve('.taskdeck'),
      logsRoot: resolve('.taskdeck', 'logs'),
      minFreeBytes: 100 * 1024 * 1024,
      taskQueue: 'taskdeck',
      workerActivities: 100,
      pollMs: 1000,
      checkMs: 30_000,
      snapshotMs: 600_000,
      auth: undefined,
      approvalTypes: [],
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
    expect(temporalAddress(config)).toBe('localhost:7233');
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
    writeFileSync(file, JSON.stringify({ tokens: { 't-admin': { user: 'root', role: 'admin' } } }));
    const auth = loadConfig({ TASKDECK_AUTH_TOKENS: 't-ada:ada:user, t-op:olga:operator', TASKDECK_AUTH_FILE: file }).auth;
    expect(auth && Object.fromEntries(auth)).toEqual({
      't-ada': { user: 'ada', role: 'user' },
      't-op': { user: 'olga', role: 'operator' },
      't-admin': { user: 'root', role: 'admin' },
    });
    expect(() => loadConfig({ TASKDECK_AUTH_TOKENS: 't:ada:boss' })).toThrow(/TASKDECK_AUTH_TOKENS: 't:\.\.\.' must be token:user:role/);
    writeFileSync(file, JSON.stringify({ tokens: { t: { user: 'x', role: 'king' } } }));
    expect(() => loadConfig({ TASKDECK_AUTH_FILE: file })).toThrow(/TASKDECK_AUTH_FILE: .*tokens\.t\.role/);
    expect(() => loadConfig({ TASKDECK_AUTH_FILE: join(dir, 'missing.json') })).toThrow(/TASKDECK_AUTH_FILE: cannot read/);
    rmSync(dir, { recursive: true });
  });

  it('reads TASKDECK_APPROVAL_TYPES and names an unknown type', () => {
    expect(loadConfig({ TASKDECK_APPROVAL_TYPES: 'command, model_training' }).approvalTypes).toEqual(['command', 'model_training']);
    expect(() => loadConfig({ TASKDECK_APPROVAL_TYPES: 'command,bake' })).toThrow(/TASKDECK_APPROVAL_TYPES: unknown task type bake/);
  });
});
