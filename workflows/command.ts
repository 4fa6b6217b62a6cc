import { proxyActivities } from '@temporalio/workflow';
import type { TaskActivities } from '../activities';
import type { CommandInput, ResourceGrant, TaskRequest } from '../core';
import { onNode, runTask } from './lifecycle';

const PREPARE = { startToCloseTimeout: '1 minute', retry: { maximumAttempts: 3 } } as const;
// The schema caps timeout_seconds at 7 days; the extra day lets the activity kill and report first.
const RUN = {
  startToCloseTimeout: '8 days',
  // A lost worker is noticed within this time and the command runs again on another worker.
  heartbeatTimeout: '15 seconds',
  retry: { maximumAttempts: 3 },
} as const;

const { prepareCommand } = proxyActivities<TaskActivities>(PREPARE);
const { runCommand } = proxyActivities<TaskActivities>(RUN);

/**
 * Task type `command`: a shell command with cwd, env and timeout, its output in the task logs. A
 * command given a node (a target or resources) runs there, held to the cores, memory and GPUs it
 * was granted.
 */
export async function command(request: TaskRequest<CommandInput>) {
  return runTask<CommandInput, CommandInput, Awaited<ReturnType<typeof runCommand>>>('command', request, {
    initialize: (input, placement) => (placement ? proxyActivities<TaskActivities>(onNode(placement, PREPARE)).prepareCommand(input) : prepareCommand(input)),
    run: (input, placement) => (placement ? proxyActivities<TaskActivities>(onNode(placement, RUN)).runCommand(input, limitsOf(placement)) : runCommand(input)),
  });
}

function limitsOf(grant: ResourceGrant) {
  return { cores: grant.cores, memory_mb: grant.memory_mb, gpus: grant.gpus };
}
