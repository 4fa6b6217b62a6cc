import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { ROOT } from './stack';

/**
 * The Python example application (examples/python-app) with the Python plugin (plugin/python),
 * in a virtual environment cached under ~/.cache/taskdeck: for the integration and browser tests.
 */
export const APP = join(ROOT, 'examples/python-app');
export const PLUGIN = join(ROOT, 'plugin/python');
const PYTHON = process.env.TASKDECK_PYTHON ?? 'python3';
/** What the tests need besides the example's requirements: pytest, and the plugin's build backend for reinstalls without network. */
const TEST_REQUIREMENTS = ['pytest>=8', 'hatchling>=1.18'];

export interface Started {
  invoices: string;
  ledger: string;
  archive: string;
}

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: { ...process.env, ...options.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

export async function must(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<string> {
  const ran = await run(command, args, options);
  if (ran.code !== 0) throw new Error(`${command} ${args.join(' ')} exited ${ran.code}:\n${ran.stdout}\n${ran.stderr}`);
  return ran.stdout;
}

const digest = (...parts: (string | Buffer)[]): string => {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\0');
  return hash.digest('hex').slice(0, 16);
};

/** The plugin's installable files (not its tests or caches), to tell when the venv's copy is stale. */
function pluginSources(dir = PLUGIN): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => !['tests', '__pycache__', '.pytest_cache'].includes(entry.name) && !entry.name.endsWith('.egg-info'))
    .flatMap((entry) => (entry.isDirectory() ? pluginSources(join(dir, entry.name)) : [join(dir, entry.name)]))
    .sort();
}

/** One process at a time builds or updates a venv (other engineers run the suite on this machine too). */
async function withLock<T>(lock: string, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock older than any install is left over from a killed run.
      const age = existsSync(lock) ? Date.now() - statSync(lock).mtimeMs : 0;
      if (age > 10 * 60_000) rmSync(lock, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error(`${lock} is held for too long`);
      else await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    return await work();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * A venv with the example's requirements (`temporalio` and the plugin from ../../plugin/python),
 * pytest and hatchling, cached by the hash of what it installs under ~/.cache/taskdeck: built once
 * (from PyPI), then reused. When the plugin's files change, only the plugin is reinstalled into
 * it, offline. Returns its python.
 */
export async function pythonEnv(): Promise<string> {
  const version = await must(PYTHON, ['-c', 'import sys; print(sys.version)']);
  const key = digest(readFileSync(join(APP, 'requirements.txt')), readFileSync(join(PLUGIN, 'pyproject.toml')), TEST_REQUIREMENTS.join(' '), version);
  const dir = join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'taskdeck', `python-venv-${key}`);
  const venvPython = join(dir, 'bin', 'python');
  const sources = pluginSources();
  const stamp = join(dir, `.plugin-${digest(...sources.flatMap((file) => [relative(PLUGIN, file), readFileSync(file)]))}`);
  mkdirSync(dirname(dir), { recursive: true });
  return withLock(`${dir}.lock`, async () => {
    if (!existsSync(join(dir, '.ready'))) {
      rmSync(dir, { recursive: true, force: true });
      await must(PYTHON, ['-m', 'venv', dir]);
      // From the example's folder, where the requirement's relative path to the plugin points from.
      await must(venvPython, ['-m', 'pip', 'install', '--quiet', '-r', 'requirements.txt', ...TEST_REQUIREMENTS], { cwd: APP });
      writeFileSync(join(dir, '.ready'), '');
      writeFileSync(stamp, '');
    }
    if (!existsSync(stamp)) {
      await must(venvPython, ['-m', 'pip', 'install', '--quiet', '--no-deps', '--no-build-isolation', '--force-reinstall', PLUGIN]);
      for (const old of readdirSync(dir).filter((name) => name.startsWith('.plugin-'))) rmSync(join(dir, old));
      writeFileSync(stamp, '');
    }
    return venvPython;
  });
}

/** A Python worker process of the example app, resolved once it says it runs. */
export function startWorker(python: string, script: string, temporalAddress: string, taskQueue: string): Promise<ChildProcess> {
  const child = spawn(python, [script], {
    cwd: APP,
    env: { ...process.env, TEMPORAL_ADDRESS: temporalAddress, TASK_QUEUE: taskQueue, PYTHONUNBUFFERED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  return new Promise((ready, fail) => {
    const timer = setTimeout(() => fail(new Error(`${script} did not start within 60 s:\n${output}`)), 60_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      if (/worker: running/.test(output)) {
        clearTimeout(timer);
        ready(child);
      }
    };
    child.stdout!.on('data', read);
    // Its log (failed activities, say) goes to stderr; kept for the error message.
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${script} exited ${code}:\n${output}`));
    });
  });
}

/** The example's starter: one of each workflow, with the plugin on its client. */
export async function startWorkflows(python: string, temporalAddress: string, who: string, taskQueue: string, pages: number, pageMs: number): Promise<Started> {
  const out = await must(python, ['start.py', who, '--pages', String(pages), '--page-ms', String(pageMs)], {
    cwd: APP,
    env: { TEMPORAL_ADDRESS: temporalAddress, TASK_QUEUE: taskQueue },
  });
  return JSON.parse(out.trim().split('\n').pop()!) as Started;
}

