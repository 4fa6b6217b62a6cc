import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { ROOT } from '../support/stack';

/** Runs the worker containers' health check (docker-compose.yml) against this cluster. */
function healthCheck(taskQueue: string): { status: number | null; output: string } {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/workerHealth.ts')], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, TEMPORAL_ADDRESS: inject('temporalAddress'), TASKDECK_TASK_QUEUE: taskQueue, TASKDECK_DATA: inject('dataDir') },
  });
  return { status: result.status, output: result.stdout + result.stderr };
}

describe('the worker health check', () => {
  it('passes while a worker on this host polls the task queue', () => {
    const { status, output } = healthCheck(inject('taskQueue'));
    expect(output).toMatch(/^healthy: /);
    expect(status).toBe(0);
  });

  it('fails when no worker on this host polls it', () => {
    const { status, output } = healthCheck('a-queue-no-worker-polls');
    expect(output).toMatch(/^unhealthy: no recent poller/);
    expect(status).toBe(1);
  });
});
