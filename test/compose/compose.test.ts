import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../runtime/config';
import { PROCESS_ENV, nodeArgs } from '../../runtime/processEnv';

const ROOT = resolve(__dirname, '../..');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  healthcheck?: { test: string[] };
  deploy?: { replicas?: number };
  restart?: string;
}

/**
 * The compose file as docker-compose itself reads it: `docker-compose config` validates it
 * offline (no engine needed) and prints it normalized, with defaults substituted; docker-compose's
 * own YAML library (Python's) turns that into JSON.
 */
function composeConfig(): Record<string, Service> {
  const check = spawnSync('docker-compose', ['version'], { encoding: 'utf8' });
  if (check.error) {
    throw new Error('docker-compose is not installed; it validates docker-compose.yml. On Debian/Ubuntu: sudo apt-get install -y docker-compose');
  }
  const config = spawnSync('docker-compose', ['-f', 'docker-compose.yml', 'config'], { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH } });
  if (config.status !== 0) throw new Error(`docker-compose config rejected docker-compose.yml:\n${config.stderr}`);
  const json = spawnSync('python3', ['-c', 'import json, sys, yaml; print(json.dumps(yaml.safe_load(sys.stdin)))'], { input: config.stdout, encoding: 'utf8' });
  if (json.status !== 0) throw new Error(`could not read docker-compose config's output: ${json.stderr}`);
  return (JSON.parse(json.stdout) as { services: Record<string, Service> }).services;
}

describe('docker-compose.yml', () => {
  const services = composeConfig();
  const taskdeck = ['taskdeck-worker', 'taskdeck-api'].map((name) => [name, services[name]] as const);

  it('runs the official Temporal images on PostgreSQL', () => {
    expect(services.temporal.image).toMatch(/^temporalio\/server:/);
    expect(services.temporal.environment?.DB).toBe('postgres12');
    expect(services['temporal-ui'].image).toMatch(/^temporalio\/ui:/);
    expect(services['temporal-schema'].image).toMatch(/^temporalio\/admin-tools:/);
    expect(services.postgresql.image).toMatch(/^postgres:/);
  });

  it('has a health check on every long-running service; one-shot jobs do not restart', () => {
    for (const [name, service] of Object.entries(services)) {
      if (service.restart === 'no') continue;
      expect(service.healthcheck?.test, name).toBeDefined();
    }
    expect(Object.keys(services).filter((name) => services[name].restart === 'no').sort()).toEqual(['temporal-namespace', 'temporal-schema']);
  });

  it('runs at least two replicas of the worker and the API, built from the Taskdeck image', () => {
    for (const [name, service] of taskdeck) {
      expect(service.deploy?.replicas, name).toBeGreaterThanOrEqual(2);
      expect(service.build, name).toBeDefined();
    }
    expect(services['taskdeck-worker'].command?.at(-1)).toBe('worker/index.ts');
    expect(services['taskdeck-api'].command?.at(-1)).toBe('api/index.ts');
  });

  it('mounts one shared volume at TASKDECK_DATA on workers and APIs, which write and read the logs there', () => {
    for (const [name, service] of taskdeck) {
      const dataDir = service.environment?.TASKDECK_DATA;
      expect(service.volumes, name).toContain(`taskdeck-data:${dataDir}:rw`);
    }
  });

  it('configures workers and APIs with environment Taskdeck accepts, pointing at the cluster', () => {
    for (const [name, service] of taskdeck) {
      // A container sees every value as a string, whatever its YAML type.
      const env = Object.fromEntries(Object.entries(service.environment ?? {}).map(([key, value]) => [key, String(value)]));
      const config = loadConfig(env);
      expect(config.temporal.address, name).toBe('temporal:7233');
      expect(config.dataDir, name).toBe('/data');
    }
  });

  it('starts each process with the flags runtime/processEnv.ts gives it, wherever it is launched', () => {
    const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
    const scripts = (JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    for (const [service, entry, script] of [
      ['taskdeck-api', 'api/index.ts', 'api'],
      ['taskdeck-worker', 'worker/index.ts', 'worker'],
    ] as const) {
      const args = nodeArgs(entry);
      expect(services[service].command, service).toEqual(['node', ...args]);
      const env = Object.entries(PROCESS_ENV).map(([name, value]) => `${name}=${value}`);
      expect(scripts[script], script).toBe([...env, 'node', ...args].join(' '));
      if (service === 'taskdeck-api') expect(dockerfile).toContain(`CMD ${JSON.stringify(['node', ...args]).replace(/,/g, ', ')}`);
    }
  });

  it('builds the image from node:20 with npm ci and the web build', () => {
    const dockerfile = readFileSync(resolve(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:20/m);
    expect(dockerfile).toMatch(/^RUN npm ci/m);
    expect(dockerfile).toMatch(/npm run build/);
  });
});
