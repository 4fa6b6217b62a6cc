import { proxyActivities } from '@temporalio/workflow';
import type { TaskActivities } from '../activities';
import type { CommandInput, TaskRequest } from '../core';
import { runTask } from './lifecycle';

const { prepareCommand } = proxyActivities<TaskActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 3 },
});

// The schema caps timeout_seconds at 7 days; the extra day lets the activity kill and report first.
const { runCommand } = proxyActivities<TaskActivities>({
  startToCloseTimeout: '8 days',
  // A lost worker is noticed within this time and the command runs again on another worker.
  heartbeatTimeout: '15 seconds',
  retry: { maximumAttempts: 3 },
});

/** Task type `command`: a shell command with cwd, env and timeout, its output in the task logs. */
export async function command(request: TaskRequest<CommandInput>) {
  return runTask<CommandInput, CommandInput, Awaited<ReturnType<typeof runCommand>>>('command', request, {
    initialize: (input) => prepareCommand(input),
    run: (input) => runCommand(input),
  });
}
