import { spawn } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir, readdir, readFile, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { availableParallelism, constants } from 'node:os';
import { dirname, join } from 'node:path';
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { logFilePath, type CommandInput, type LogStream, type ProcessLimits } from '../core';
import { ProgressThrottle, oneAfterAnother } from '../plugin/src/progressThrottle';
import { LineSplitter, parseProgressLine } from './progress';
import { taskExecution } from './context';
import { startHeartbeat } from './heartbeat';
import type { ActivityDeps } from './deps';

/** Line counts are not repeated here: the log API counts the files themselves. */
export interface CommandResult {
  exit_code: number;
}

/** Lines of stderr kept for the error message of a failed command. */
const STDERR_TAIL_LINES = 20;
/** Time a process group gets between SIGTERM and SIGKILL. */
const KILL_GRACE_MS = 3000;

export function createCommandActivities(deps: ActivityDeps) {
  return {
    /** Initializing step: everything that can be checked before the command runs. */
    async prepareCommand(input: CommandInput): Promise<CommandInput> {
      if (input.cwd) {
        const info = await stat(input.cwd).catch(() => undefined);
        if (!info) throw nonRetryable(`Working directory ${input.cwd} does not exist`);
        if (!info.isDirectory()) throw nonRetryable(`Working directory ${input.cwd} is not a directory`);
      }
      const { workflowId: taskId } = taskExecution();
      await mkdir(dirname(logFile(deps.logsRoot, taskId, 'stdout')), { recursive: true });
      return input;
    },

    /**
     * Runs the command in its own process group, streaming stdout and stderr to the task's log
     * files and reading progress from both. Abort (activity cancellation) and the timeout kill
     * the whole group. With `limits` (a task given resources on this node) the process is held to
     * them: pinned to its cores, its address space capped at its memory, and shown only its GPUs.
     */
    async runCommand(input: CommandInput, limits?: ProcessLimits): Promise<CommandResult> {
      const ctx = Context.current();
      const { workflowId, runId } = taskExecution();
      // Logs only ever grow: a retried attempt appends under a marker, so readers' line offsets stay valid.
      const stdoutFile = createWriteStream(logFile(deps.logsRoot, workflowId, 'stdout'), { flags: 'a' });
      const stderrFile = createWriteStream(logFile(deps.logsRoot, workflowId, 'stderr'), { flags: 'a' });
      // A placed task runs again after its node was lost; on a shared host that node's process may live on.
      if (limits) await killLeftovers(workflowId);
      if (ctx.info.attempt > 1) {
        if (!limits) await killLeftovers(workflowId);
        const marker = `--- taskdeck: attempt ${ctx.info.attempt}, the previous attempt was interrupted ---\n`;
        stdoutFile.write(marker);
        stderrFile.write(marker);
      }
      const throttle = new ProgressThrottle(oneAfterAnother((update) => deps.reportProgress(workflowId, runId, update)));

      const [program, ...args] = [...limitedBy(limits), '/bin/sh', '-c', input.command];
      const child = spawn(program, args, {
        cwd: input.cwd,
        env: { ...commandEnv(input.env, workflowId), ...(limits && { CUDA_VISIBLE_DEVICES: limits.gpus.join(',') }) },
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      const stderrTail: string[] = [];
      const watch = (
        stream: NodeJS.ReadableStream,
        file: WriteStream,
        name: 'stdout' | 'stderr',
      ): void => {
        const splitter = new LineSplitter();
        const onLine = (line: string): void => {
          const progress = parseProgressLine(line);
          if (progress) throttle.report(progress);
          if (name === 'stderr' && line.trim()) {
            stderrTail.push(line);
            if (stderrTail.length > STDERR_TAIL_LINES) stderrTail.shift();
          }
        };
        stream.setEncoding('utf8');
        stream.on('data', (chunk: string) => {
          file.write(chunk);
          splitter.push(chunk, onLine);
          const drawing = splitter.partial && parseProgressLine(splitter.partial);
          if (drawing) throttle.report(drawing);
        });
        stream.on('end', () => splitter.end(onLine));
      };
      watch(child.stdout, stdoutFile, 'stdout');
      watch(child.stderr, stderrFile, 'stderr');

      let stopReason: 'aborted' | 'timeout' | undefined;
      const killGroup = (reason: 'aborted' | 'timeout'): void => {
        if (stopReason) return;
        stopReason = reason;
        signalGroup(child.pid, 'SIGTERM');
        // A paused (stopped) group would not see the SIGTERM until continued.
        signalGroup(child.pid, 'SIGCONT');
        setTimeout(() => signalGroup(child.pid, 'SIGKILL'), KILL_GRACE_MS).unref();
      };
      const stopHeartbeat = startHeartbeat(ctx, () => ({ progress: throttle.current }));
      // Pause stops the whole group where it is; resume continues it, so no work is redone.
      const unwatch = deps.pauses.watch(workflowId, (paused) => {
        if (!stopReason) signalGroup(child.pid, paused ? 'SIGSTOP' : 'SIGCONT');
      });
      const onAbort = (): void => killGroup('aborted');
      ctx.cancellationSignal.addEventListener('abort', onAbort);
      const timeout = input.timeout_seconds
        ? setTimeout(() => killGroup('timeout'), input.timeout_seconds * 1000)
        : undefined;

      try {
        const spawnError = once(child, 'error').then(([err]) => {
          throw nonRetryable(`Could not start the command: ${(err as Error).message}`);
        });
        const [code, signal] = (await Promise.race([once(child, 'close'), spawnError])) as [
          number | null,
          NodeJS.Signals | null,
        ];
        // Kill what the shell left behind in its group (background jobs), even on success.
        signalGroup(child.pid, 'SIGKILL');

        if (stopReason === 'aborted') throw ctx.cancellationSignal.reason ?? new Error('aborted');
        if (stopReason === 'timeout') {
          throw nonRetryable(`Command timed out after ${input.timeout_seconds} s and was killed`, { exit_code: 124 });
        }
        throttle.flush();
        const exitCode = code ?? 128 + signalNumber(signal);
        if (exitCode !== 0) {
          const tail = stderrTail.join('\n');
          const cause = signal ? `Command killed by ${signal}` : `Command exited with code ${exitCode}`;
          if (limits?.memory_mb && ranOutOfMemory(signal, stderrTail)) {
            throw nonRetryable(`memory limit of ${limits.memory_mb} MB exceeded (${cause.toLowerCase()}${tail ? `: ${tail}` : ''})`, { exit_code: exitCode });
          }
          throw nonRetryable(tail ? `${cause}: ${tail}` : cause, { exit_code: exitCode });
        }
        return { exit_code: 0 };
      } finally {
        // Closed before the task can finish, on every path: a finished task's logs are complete.
        await Promise.all([closeFile(stdoutFile), closeFile(stderrFile)]);
        stopHeartbeat();
        unwatch();
        if (timeout) clearTimeout(timeout);
        ctx.cancellationSignal.removeEventListener('abort', onAbort);
        throttle.stop();
      }
    },
  };
}

function nonRetryable(message: string, details?: { exit_code: number }): ApplicationFailure {
  return ApplicationFailure.create({ message, nonRetryable: true, details: details ? [details] : undefined });
}

/**
 * The programs that hold a process to its limits before it becomes the shell: prlimit caps its
 * address space (RLIMIT_AS, inherited by every child), taskset pins it to its cores. Both exec
 * the next program, so the child's pid stays the process group's leader. A node that declares
 * more cores than the machine has pins core N to CPU N modulo the machine's.
 */
function limitedBy(limits: ProcessLimits | undefined): string[] {
  if (!limits) return [];
  const prefix: string[] = [];
  if (limits.memory_mb) prefix.push('prlimit', `--as=${limits.memory_mb * 2 ** 20}`, '--');
  if (limits.cores.length) {
    const cpus = availableParallelism();
    prefix.push('taskset', '-c', [...new Set(limits.cores.map((c) => c % cpus))].join(','));
  }
  return prefix;
}

/** Under an address-space cap, allocation fails: the process says so, or dies of the null it got back. */
const OUT_OF_MEMORY = /MemoryError|Cannot allocate memory|out of memory|memory exhausted|bad_alloc|ENOMEM|allocation failed|Killed/i;

function ranOutOfMemory(signal: NodeJS.Signals | null, stderr: string[]): boolean {
  return signal === 'SIGSEGV' || signal === 'SIGABRT' || signal === 'SIGBUS' || signal === 'SIGKILL' || stderr.some((line) => OUT_OF_MEMORY.test(line));
}

/**
 * The command sees the worker's environment without Taskdeck's and Temporal's own settings
 * (API keys, TLS paths), plus its own variables. Python output is unbuffered so progress lines
 * arrive as they are printed.
 */
function commandEnv(extra: Record<string, string> | undefined, taskId: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('TEMPORAL_') && !key.startsWith('TASKDECK_')) env[key] = value;
  }
  return { ...env, PYTHONUNBUFFERED: '1', ...extra, TASKDECK_TASK_ID: taskId };
}

/**
 * A worker killed mid-command leaves the command's process group running (it is detached so
 * abort can kill it as a whole). Before a new attempt runs the command again, end what the lost
 * attempt left on this host: every process carrying this task's TASKDECK_TASK_ID.
 */
async function killLeftovers(taskId: string): Promise<void> {
  const marker = `\0TASKDECK_TASK_ID=${taskId}\0`;
  const entries = await readdir('/proc').catch(() => [] as string[]);
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const environ = await readFile(`/proc/${entry}/environ`, 'utf8').catch(() => '');
    if (`\0${environ}`.includes(marker)) {
      try {
        process.kill(Number(entry), 'SIGKILL');
      } catch {
        // Already gone.
      }
    }
  }
}

function signalGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is already gone.
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  return signal ? constants.signals[signal] : 0;
}

function logFile(root: string, taskId: string, stream: LogStream): string {
  return join(root, logFilePath(taskId, stream));
}

async function closeFile(file: WriteStream): Promise<void> {
  if (file.closed) return;
  file.end();
  await once(file, 'close');
}
