import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { loadConfig } from '../runtime/config';
import { ensureKeysFile } from '../runtime/encryption';
import { PROCESS_ENV, nodeArgs } from '../runtime/processEnv';
import { startDevServer, type DevServer } from './devServer';
import { findTemporalCli } from './temporalCli';

const ROOT = resolve(__dirname, '..');

/**
 * `npm start`: everything on one machine. Without TEMPORAL_ADDRESS it runs the Temporal dev
 * server on a SQLite file in the data folder (tasks survive restarts), then the worker and the
 * API + web. Ctrl-C stops all of it. Secrets are encrypted by default: without
 * TASKDECK_ENCRYPTION_KEYS it keeps a key in the data folder, made on the first start.
 */
async function run(): Promise<void> {
  const config = loadConfig();
  mkdirSync(config.dataDir, { recursive: true });
  if (!config.encryption) {
    const keys = ensureKeysFile(config.dataDir);
    if (keys.created) console.log(`taskdeck: made an encryption key for task environment values in ${keys.path}; keep it with the data folder (docs/deployment.md#secrets)`);
  }
  const env: NodeJS.ProcessEnv = { ...process.env, TASKDECK_DATA: config.dataDir };

  let server: DevServer | undefined;
  if (!config.temporal.address) {
    const cli = findTemporalCli({ explicit: config.temporal.cli, binDir: join(config.dataDir, 'bin') });
    server = await startDevServer({
      cli,
      dbFile: join(config.dataDir, 'temporal.db'),
      port: config.temporal.embeddedPort,
      uiPort: config.temporal.embeddedUiPort,
    });
    env.TEMPORAL_ADDRESS = server.address;
    env.TEMPORAL_UI_URL ??= `http://localhost:${config.temporal.embeddedUiPort}`;
    console.log(`taskdeck: Temporal dev server on ${server.address}, its Web UI on ${env.TEMPORAL_UI_URL}`);
  }

  const children = [launch('worker', 'worker/index.ts', env), launch('api', 'api/index.ts', env)];
  let stopping = false;
  const stop = async (code: number): Promise<void> => {
    if (stopping) return;
    stopping = true;
    await Promise.all(
      children.map(async (child) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = once(child, 'exit');
        child.kill('SIGINT');
        const force = setTimeout(() => child.kill('SIGKILL'), 15_000);
        await exited;
        clearTimeout(force);
      }),
    );
    await server?.stop();
    process.exit(code);
  };
  for (const child of children) {
    child.on('exit', (code) => {
      if (!stopping) {
        console.error(`taskdeck: ${child.spawnargs.at(-1)} exited with code ${code}; stopping`);
        void stop(1);
      }
    });
  }
  process.once('SIGINT', () => void stop(0));
  process.once('SIGTERM', () => void stop(0));
  server?.process.on('exit', (code) => {
    if (!stopping) {
      console.error(`taskdeck: the Temporal dev server exited with code ${code}; stopping`);
      void stop(1);
    }
  });
}

function launch(name: string, entry: string, env: NodeJS.ProcessEnv): ChildProcess {
  // Node loads TypeScript through tsx in the process itself, so a signal reaches the real process.
  // Children share the terminal's process group, so Ctrl-C reaches them too; each shuts down on SIGINT.
  const child = spawn(process.execPath, nodeArgs(entry, join(ROOT, entry)), { cwd: ROOT, env: { ...PROCESS_ENV, ...env }, stdio: 'inherit' });
  child.on('error', (err) => console.error(`taskdeck: could not start the ${name}: ${err.message}`));
  return child;
}

run().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
