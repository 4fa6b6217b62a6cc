import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { Connection } from '@temporalio/client';
import { ALL_SEARCH_ATTRIBUTES } from '../core';

export interface DevServerOptions {
  cli: string;
  /** SQLite file; tasks survive restarts because of it. */
  dbFile: string;
  port: number;
  uiPort: number;
  /** Where the server's own output goes; the default is this process's stderr. */
  output?: 'inherit' | 'ignore';
  /** Register Taskdeck's search attributes by flag (default); off to test the bootstrap alone. */
  registerSearchAttributes?: boolean;
}

export interface DevServer {
  address: string;
  uiUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 60_000;

const SEARCH_ATTRIBUTE_FLAG: Record<string, string> = {
  KEYWORD: 'Keyword',
  KEYWORD_LIST: 'KeywordList',
  TEXT: 'Text',
  INT: 'Int',
  DOUBLE: 'Double',
  BOOL: 'Bool',
  DATETIME: 'Datetime',
};

/**
 * Starts `temporal server start-dev` with a persistent SQLite file and its Web UI, and waits
 * until the frontend answers. Search attributes are passed as flags so they are usable from the
 * first second; the worker and API bootstrap registers them again on any other cluster.
 */
export async function startDevServer(options: DevServerOptions): Promise<DevServer> {
  const address = `127.0.0.1:${options.port}`;
  const args = [
    'server',
    'start-dev',
    '--db-filename',
    options.dbFile,
    '--ip',
    '127.0.0.1',
    '--port',
    String(options.port),
    '--ui-port',
    String(options.uiPort),
    '--log-level',
    'error',
    // SQLite's default rollback journal makes every list wait for every write and syncs to disk
    // several times per transaction: a thousand running tasks' heartbeats and the visibility
    // polls then queue behind each other. A write-ahead log lets reads run beside the writer, and
    // synchronous=NORMAL syncs at checkpoints only; a killed server process still loses nothing
    // committed (only a crash of the machine itself could lose the last transactions).
    '--sqlite-pragma',
    'journal_mode=wal',
    '--sqlite-pragma',
    'synchronous=normal',
    // Worker heartbeats (ListWorkers): how Taskdeck knows within seconds that a node's worker is gone.
    '--dynamic-config-value',
    'frontend.WorkerHeartbeatsEnabled=true',
    '--dynamic-config-value',
    'frontend.ListWorkersEnabled=true',
    ...(options.registerSearchAttributes === false ? [] : ALL_SEARCH_ATTRIBUTES).flatMap((key) => ['--search-attribute', `${key.name}=${SEARCH_ATTRIBUTE_FLAG[key.type]}`]),
  ];
  const child = spawn(options.cli, args, {
    stdio: ['ignore', options.output ?? 'inherit', options.output ?? 'inherit'],
  });
  await waitForFrontend(address, child, 'temporal server start-dev');
  return {
    address,
    uiUrl: `http://127.0.0.1:${options.uiPort}`,
    process: child,
    async stop() {
      if (child.exitCode !== null) return;
      const done = once(child, 'exit');
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await done;
      clearTimeout(timer);
    },
  };
}

/**
 * Waits until the Temporal frontend at `address` answers, or fails as soon as the server
 * process exits (then kills it if the wait times out).
 */
export async function waitForFrontend(address: string, child: ChildProcess, name: string, timeoutMs = READY_TIMEOUT_MS): Promise<void> {
  const exited = once(child, 'exit').then(([code]) => {
    throw new Error(`${name} exited with code ${code} before it was ready`);
  });
  exited.catch(() => undefined);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const ready = Connection.connect({ address, connectTimeout: 1000 }).then(async (connection) => {
        try {
          await connection.workflowService.getSystemInfo({});
        } finally {
          await connection.close();
        }
      });
      await Promise.race([ready, exited]);
      return;
    } catch (err) {
      if (child.exitCode !== null || Date.now() > deadline) {
        child.kill('SIGKILL');
        throw err;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
