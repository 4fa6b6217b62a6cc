import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, hostname } from 'node:os';
import { delimiter, join } from 'node:path';
import { Connection } from '@temporalio/client';
import Long from 'long';
import type { ProvidedContext } from 'vitest';
import type { TestProject } from 'vitest/node';
import { waitForFrontend } from '../../scripts/devServer';
import { isExecutable } from '../../scripts/temporalCli';
import { ensureKeysFile } from '../../runtime/encryption';
import { freePort, provideStack, removeDir, runEntry, stopProcess, tempDir, testTemporalCli, waitForHttp } from './stack';

/**
 * The Temporal server the cluster tests run: the same release the Temporal CLI v1.5.1 embeds,
 * and a tag whose go.mod has no replace directive, so `go install` builds it.
 */
export const TEMPORAL_SERVER_VERSION = 'v1.29.1';
const SERVER_MODULE = 'go.temporal.io/server';
const TASK_QUEUE = 'taskdeck-cluster';

export interface ClusterBinaries {
  server: string;
  /** temporal-sql-tool (`go install` names it after its folder, `sql`). */
  sqlTool: string;
  /** schema/postgresql/v12 of the same server release, from the Go module cache. */
  schemaDir: string;
}

/**
 * The server and its SQL tool, built from their Go modules once into
 * `~/.cache/taskdeck/cluster-bin/<tag>` (`TASKDECK_CLUSTER_BIN` to use another folder); the
 * schema files come from the module source that `go mod download` keeps.
 */
export function clusterBinaries(log: (message: string) => void = console.error): ClusterBinaries {
  const cacheRoot = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const binDir = process.env.TASKDECK_CLUSTER_BIN ?? join(cacheRoot, 'taskdeck', 'cluster-bin', TEMPORAL_SERVER_VERSION);
  const server = join(binDir, 'server');
  const sqlTool = join(binDir, 'sql');
  if (!isExecutable(server) || !isExecutable(sqlTool)) {
    mkdirSync(binDir, { recursive: true });
    const packages = ['cmd/server', 'cmd/tools/sql'].map((pkg) => `${SERVER_MODULE}/${pkg}@${TEMPORAL_SERVER_VERSION}`);
    log(`cluster: building the Temporal server and temporal-sql-tool into ${binDir} (go install ${packages.join(' ')}); this takes minutes once`);
    go(['install', ...packages], { GOBIN: binDir }, 'inherit');
  }
  const downloaded = JSON.parse(go(['mod', 'download', '-json', `${SERVER_MODULE}@${TEMPORAL_SERVER_VERSION}`], {}, 'pipe')) as { Dir: string };
  return { server, sqlTool, schemaDir: join(downloaded.Dir, 'schema', 'postgresql', 'v12') };
}

function go(args: string[], env: NodeJS.ProcessEnv, output: 'inherit' | 'pipe'): string {
  const result = spawnSync('go', args, { env: { ...process.env, ...env }, stdio: ['ignore', output, 'inherit'], encoding: 'utf8' });
  if (result.error) throw new Error(`Go is needed to build the Temporal server for the cluster tests: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`go ${args.join(' ')} failed with exit code ${result.status}`);
  return result.stdout ?? '';
}

/** Debian's PostgreSQL binaries: on PATH, or in the newest /usr/lib/postgresql/<major>/bin. */
function postgresBin(name: string): string {
  const onPath = (process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, name)).find(isExecutable);
  if (onPath) return onPath;
  for (const major of [17, 16, 15, 14, 13]) {
    const path = `/usr/lib/postgresql/${major}/bin/${name}`;
    if (isExecutable(path)) return path;
  }
  throw new Error(`PostgreSQL's ${name} was not found; on Debian/Ubuntu: sudo apt-get install -y postgresql`);
}

/** initdb and postgres refuse to run as root: as root, run them as the `postgres` user. */
function asPostgresUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv = {}): void {
  const result = spawnSync(command, args, { env: { ...process.env, ...env }, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}${result.stderr}`);
}

interface Postgres {
  port: number;
  stop(): void;
}

/** A private PostgreSQL on a free port, its files and socket in `dir`; trust auth on 127.0.0.1 only. */
async function startPostgres(dir: string): Promise<Postgres> {
  const dataDir = join(dir, 'pg');
  if (process.getuid?.() === 0) {
    const [uid, gid] = ['-u', '-g'].map((flag) => Number(spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' }).stdout.trim()));
    chownSync(dir, uid, gid);
  }
  const port = await freePort();
  run(...asPostgresUser(postgresBin('initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']));
  // A throwaway test database: durability settings off, for speed on a shared 2-core machine.
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  run(...asPostgresUser(postgresBin('pg_ctl'), ['-D', dataDir, '-l', join(dir, 'postgres.log'), '-o', options, '-w', 'start']));
  return {
    port,
    stop: () => run(...asPostgresUser(postgresBin('pg_ctl'), ['-D', dataDir, '-m', 'fast', '-w', 'stop'])),
  };
}

/** Creates and migrates Temporal's two databases, as the admin-tools job of docker-compose.yml does. */
function setupSchemas(binaries: ClusterBinaries, pgPort: number): void {
  const env = { SQL_PLUGIN: 'postgres12', SQL_HOST: '127.0.0.1', SQL_PORT: String(pgPort), SQL_USER: 'postgres' };
  for (const [database, folder] of [['temporal', 'temporal'], ['temporal_visibility', 'visibility']]) {
    run(binaries.sqlTool, ['--db', database, 'create-database'], env);
    run(binaries.sqlTool, ['--db', database, 'setup-schema', '-v', '0.0'], env);
    run(binaries.sqlTool, ['--db', database, 'update-schema', '-d', join(binaries.schemaDir, folder, 'versioned')], env);
  }
}

/**
 * A port below 32768: Temporal stores membership ports in a PostgreSQL smallint, and the
 * kernel's ephemeral ports (what `freePort` gets) are above that.
 */
async function freeMembershipPort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    const server = createServer();
    const free = await new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => resolve(true));
    });
    if (free) {
      await new Promise((resolve) => server.close(resolve));
      return port;
    }
  }
}

interface TemporalServer {
  address: string;
  process: ChildProcess;
}

/** The Temporal server, all four services in one process, on PostgreSQL for persistence and visibility. */
async function startTemporalServer(binaries: ClusterBinaries, dir: string, pgPort: number): Promise<TemporalServer> {
  const grpc = { frontend: await freePort(), history: await freePort(), matching: await freePort(), worker: await freePort() };
  const httpPort = await freePort();
  const membership = { frontend: await freeMembershipPort(), history: await freeMembershipPort(), matching: await freeMembershipPort(), worker: await freeMembershipPort() };
  const address = `127.0.0.1:${grpc.frontend}`;
  const datastore = (database: string, maxConns: number) => `
      sql:
        pluginName: postgres12
        databaseName: ${database}
        connectAddr: 127.0.0.1:${pgPort}
        connectProtocol: tcp
        user: postgres
        maxConns: ${maxConns}
        maxIdleConns: ${maxConns}
        maxConnLifetime: 1h`;
  const service = (name: keyof typeof grpc) => `
  ${name}:
    rpc:
      grpcPort: ${grpc[name]}
      membershipPort: ${membership[name]}
      bindOnLocalHost: true${name === 'frontend' ? `\n      httpPort: ${httpPort}` : ''}`;
  mkdirSync(join(dir, 'config'));
  writeFileSync(
    join(dir, 'config', 'development.yaml'),
    `log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:${datastore('temporal', 20)}
    visibility:${datastore('temporal_visibility', 10)}
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:${(['frontend', 'history', 'matching', 'worker'] as const).map(service).join('')}
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: ${address}
      httpAddress: 127.0.0.1:${httpPort}
dcRedirectionPolicy:
  policy: noop
dynamicConfigClient:
  filepath: ${join(dir, 'config', 'dynamicconfig.yaml')}
  pollInterval: 10s
`,
  );
  // Worker heartbeats (ListWorkers), as the dev server has them (scripts/devServer.ts): how
  // Taskdeck tells within seconds that a node's worker is gone.
  writeFileSync(
    join(dir, 'config', 'dynamicconfig.yaml'),
    `frontend.WorkerHeartbeatsEnabled:
  - value: true
frontend.ListWorkersEnabled:
  - value: true
`,
  );
  const logFile = openSync(join(dir, 'temporal-server.log'), 'a');
  const child = spawn(binaries.server, ['--root', dir, '--config', 'config', '--env', 'development', '--allow-no-auth', 'start'], {
    cwd: dir,
    stdio: ['ignore', logFile, logFile],
  });
  try {
    await waitForFrontend(address, child, 'the Temporal server', 90_000);
  } catch (err) {
    throw new Error(`${(err as Error).message}\n${readFileSync(join(dir, 'temporal-server.log'), 'utf8').slice(-3000)}`);
  }
  return { address, process: child };
}

/** A fresh cluster has no namespace; Taskdeck's own bootstrap does the rest (attributes, retention). */
async function registerNamespace(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    await connection.workflowService.registerNamespace({ namespace, workflowExecutionRetentionPeriod: { seconds: Long.fromNumber(24 * 3600) } });
  } finally {
    await connection.close();
  }
}

/**
 * The frontend learns new search attributes from its namespace cache, which refreshes every few
 * seconds; until then a start that sets them is refused. Wait for it as a deployment would.
 */
async function waitForSearchAttributes(address: string, namespace: string): Promise<void> {
  const connection = await Connection.connect({ address });
  try {
    const deadline = Date.now() + 60_000;
    for (;;) {
      try {
        await connection.workflowService.countWorkflowExecutions({ namespace, query: `TaskdeckStatus = 'running'` });
        return;
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  } finally {
    await connection.close();
  }
}

export interface Cluster {
  apiUrls: string[];
  workerPids: number[];
  apiPids: number[];
  /** Worker identities as Temporal records them (`<pid>@<hostname>`, the SDK's default). */
  workerIdentities: string[];
  postgresPort: number;
  temporalAddress: string;
  temporalCli: string;
  taskQueue: string;
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * PostgreSQL, the Temporal server on it, and 2 Taskdeck workers + 2 APIs sharing one
 * TASKDECK_DATA folder (the shared volume of docker-compose.yml), each a real process.
 */
export async function startCluster(): Promise<Cluster> {
  const binaries = clusterBinaries();
  const temporalCli = testTemporalCli();
  const dir = tempDir('cluster');
  const dataDir = join(dir, 'shared-data');
  mkdirSync(dataDir);
  // One key for every worker and API, in the folder they share, as a deployment would give them.
  ensureKeysFile(dataDir);
  const stops: (() => Promise<void> | void)[] = [() => removeDir(dir)];
  const stop = async (): Promise<void> => {
    for (const step of stops.reverse()) await step();
  };
  try {
    const postgres = await startPostgres(dir);
    stops.push(() => postgres.stop());
    setupSchemas(binaries, postgres.port);
    const server = await startTemporalServer(binaries, dir, postgres.port);
    stops.push(async () => void (await stopProcess(server.process, 'SIGTERM')));
    await registerNamespace(server.address, 'default');

    const env = { TASKDECK_DATA: dataDir, TASKDECK_TASK_QUEUE: TASK_QUEUE, TEMPORAL_ADDRESS: server.address, TEMPORAL_UI_URL: 'http://127.0.0.1:8233' };
    const output = process.env.TASKDECK_TEST_LOGS ? 'inherit' : 'ignore';
    const workers = [runEntry('worker/index.ts', env, output), runEntry('worker/index.ts', env, output)];
    const ports = [await freePort(), await freePort()];
    const apis = ports.map((port) => runEntry('api/index.ts', { ...env, PORT: String(port) }, output));
    stops.push(async () => void (await Promise.all([...apis, ...workers].map((child) => stopProcess(child)))));
    const apiUrls = ports.map((port) => `http://127.0.0.1:${port}`);
    await Promise.all(apiUrls.map((url) => waitForHttp(`${url}/healthz`)));
    await waitForSearchAttributes(server.address, 'default');
    return {
      apiUrls,
      workerPids: workers.map((w) => w.pid!),
      apiPids: apis.map((a) => a.pid!),
      workerIdentities: workers.map((w) => `${w.pid}@${hostname()}`),
      postgresPort: postgres.port,
      temporalAddress: server.address,
      temporalCli,
      taskQueue: TASK_QUEUE,
      dataDir,
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

type ClusterValues = Pick<Cluster, 'apiUrls' | 'workerPids' | 'apiPids' | 'workerIdentities' | 'postgresPort'>;

declare module 'vitest' {
  export interface ProvidedContext {
    apiUrls: ClusterValues['apiUrls'];
    workerPids: ClusterValues['workerPids'];
    apiPids: ClusterValues['apiPids'];
    workerIdentities: ClusterValues['workerIdentities'];
    postgresPort: ClusterValues['postgresPort'];
  }
}

/** Provides what the integration suite expects (`apiUrl` is the first API) and the cluster's own values. */
export function provideCluster(project: TestProject, cluster: Cluster): () => Promise<void> {
  const provide = <K extends keyof ClusterValues>(key: K): void => project.provide(key, cluster[key] as ProvidedContext[K]);
  (['apiUrls', 'workerPids', 'apiPids', 'workerIdentities', 'postgresPort'] as const).forEach(provide);
  return provideStack(project, { ...cluster, apiUrl: cluster.apiUrls[0] });
}
