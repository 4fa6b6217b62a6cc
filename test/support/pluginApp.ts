import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, removeDir, stopProcess, tempDir } from './stack';

export interface PluginApp {
  /** Starts one of each of the example's workflows for a customer: their workflow ids. `pageMs`: how long each page of the archive export takes. */
  startWorkflows(customer: string, pageMs?: number): { invoices: string; ledger: string; archive: string };
  stop(): Promise<void>;
}

/**
 * examples/typescript-app as a stranger has it: the plugin packed with `npm pack`, installed into
 * the application's own folder with npm, its worker running against `temporalAddress` on `taskQueue`.
 */
export async function startPluginApp(temporalAddress: string, taskQueue: string): Promise<PluginApp> {
  const work = tempDir('plugin-app');
  execFileSync('npm', ['pack', '--pack-destination', work], { cwd: join(ROOT, 'plugin'), stdio: 'ignore' });
  const tarball = join(work, readdirSync(work).find((f) => f.endsWith('.tgz'))!);
  const app = join(work, 'app');
  cpSync(join(ROOT, 'examples/typescript-app'), app, { recursive: true, filter: (source) => !source.includes('node_modules') });
  const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  manifest.dependencies['@taskdeck/temporal'] = `file:${tarball}`;
  writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: app, stdio: 'ignore' });

  const env = { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TASK_QUEUE: taskQueue };
  const worker: ChildProcess = spawn('npm', ['run', 'worker'], { cwd: app, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  worker.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  worker.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const deadline = Date.now() + 90_000;
  while (!output.includes('invoices worker: running')) {
    if (Date.now() > deadline || worker.exitCode !== null) throw new Error(`The example worker did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    startWorkflows: (customer, pageMs) => {
      const printed = execFileSync('npm', ['run', '--silent', 'start-workflows', '--', customer], {
        cwd: app,
        env: { ...env, ...(pageMs !== undefined && { PAGE_MS: String(pageMs) }) },
        encoding: 'utf8',
      });
      return JSON.parse(printed.trim().split('\n').at(-1)!) as { invoices: string; ledger: string; archive: string };
    },
    stop: async () => {
      await stopProcess(worker, 'SIGINT');
      removeDir(work);
    },
  };
}
