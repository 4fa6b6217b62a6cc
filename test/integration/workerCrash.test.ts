import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, inject, it } from 'vitest';
import { runEntry, stopProcess } from '../support/stack';
import { listed, temporalClient, uniqueTag, waitFor } from './helpers';

const QUEUE = 'taskdeck-crash';

/** Processes whose command line starts with the marker (`exec -a` names the sleeper so). */
function processCount(marker: string): number {
  try {
    return execFileSync('pgrep', ['-f', `^${marker}`], { encoding: 'utf8' }).trim().split('\n').length;
  } catch {
    return 0;
  }
}

describe('a worker killed with -9 mid-command', () => {
  it('leaves no duplicate: the next attempt ends the orphaned process group and the task completes', async () => {
    const env = {
      TASKDECK_DATA: inject('dataDir'),
      TASKDECK_TASK_QUEUE: QUEUE,
      TEMPORAL_ADDRESS: inject('temporalAddress'),
    };
    const marker = `taskdeck-orphan-${Math.random().toString(36).slice(2)}`;
    const tag = uniqueTag('crash');
    const { client, close } = await temporalClient();
    const first = runEntry('worker/index.ts', env);
    let second: ReturnType<typeof runEntry> | undefined;
    try {
      // The first attempt sleeps long; a later attempt finds a flag file and ends quickly.
      const flag = `${inject('dataDir')}/${marker}.flag`;
      const handle = await client.workflow.start('command', {
        taskQueue: QUEUE,
        workflowId: `crash-${tag}`,
        args: [{ input: { command: `if [ -e ${flag} ]; then echo second attempt; else touch ${flag}; bash -c 'exec -a ${marker} sleep 300'; fi` }, tag }],
      });
      await waitFor('the command to run', async () => processCount(marker) === 1 || undefined);

      first.kill('SIGKILL');
      await new Promise((r) => first.once('exit', r));
      // The orphan outlives its worker: that is what the next attempt must clean up.
      expect(processCount(marker)).toBe(1);

      second = runEntry('worker/index.ts', env);
      await handle.result();
      expect(processCount(marker)).toBe(0);
      const row = await waitFor('the completed row', async () => {
        const r = await listed(handle.workflowId, tag);
        return r?.status === 'completed' ? r : undefined;
      }, 60_000);
      expect(row.exit_code).toBe(0);
    } finally {
      if (first.exitCode === null && first.signalCode === null) first.kill('SIGKILL');
      if (second) await stopProcess(second);
      await close();
      spawnSync('pkill', ['-9', '-f', marker]);
    }
  });
});
