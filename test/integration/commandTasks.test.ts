import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { api, listed, startTask, temporalClient, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

interface Detail extends Task {
  input: Record<string, unknown>;
  timeline: { status: string; at: string }[];
  error_detail: { message: string; step: string } | null;
  result: { exit_code: number } | null;
  retries: string[];
  temporal_ui_url: string | null;
}

interface LogPage {
  lines: string[];
  total_lines: number;
  total_pages: number;
  counts: { stdout: number; stderr: number };
}

describe('a command task started through the API', () => {
  it('shows its progress changing in GET /tasks, completes, and has readable logs', async () => {
    const tag = uniqueTag('progress');
    const task = await startTask({
      name: 'count shards',
      tag,
      dataset: 'birds',
      dataset_id: 'ds-1',
      user: 'ada',
      input: {
        command: 'for i in 1 2 3 4 5 6; do echo "PROGRESS $((i*15)) $i/6 shards"; echo "warn $i" >&2; sleep 1; done',
      },
    });
    expect(task).toMatchObject({ task_type: 'command', task_status: 'Q', status: 'pending', tag, name: 'count shards', end_date: null });

    // Progress is seen to change while the task runs, without any client-side trick.
    const seen = new Set<number>();
    const running = await waitFor('several progress values', async () => {
      const row = await listed(task.id, tag);
      if (row?.status === 'running') seen.add(row.progress);
      return seen.size >= 3 ? row : undefined;
    });
    expect(running).toMatchObject({ task_status: 'R', dataset: 'birds', dataset_id: 'ds-1', user: 'ada' });
    expect(running!.message).toMatch(/^\d\/6 shards$/);
    expect(running!.duration_ms).toBeGreaterThan(0);

    const done = await waitForStatus(task.id, ['completed']);
    expect(done).toMatchObject({ task_status: 'D', progress: 100, exit_code: 0 });
    const detail = (await api<Detail>(`/tasks/${task.id}`)).body;
    expect(detail.timeline.map((t) => t.status)).toEqual(['pending', 'initializing', 'running', 'completed']);
    expect(detail.input).toEqual({ command: expect.stringContaining('PROGRESS') });
    expect(detail.result).toMatchObject({ exit_code: 0 });
    expect(detail.temporal_ui_url).toContain(`/workflows/${task.id}/`);

    const row = await waitFor('the finished row', async () => {
      const r = await listed(task.id, tag);
      return r?.status === 'completed' ? r : undefined;
    });
    expect(row.end_date).not.toBeNull();
    // Duration counts processing only: it is within the span from start of processing to the end.
    expect(row.duration_ms).toBe(Date.parse(row.end_date!) - Date.parse(row.started_at!));

    const stdout = (await api<LogPage>(`/tasks/${task.id}/logs?stream=stdout`)).body;
    expect(stdout.lines).toEqual([1, 2, 3, 4, 5, 6].map((i) => `PROGRESS ${i * 15} ${i}/6 shards`));
    expect(stdout.counts).toEqual({ stdout: 6, stderr: 6 });
    const stderr = (await api<LogPage>(`/tasks/${task.id}/logs?stream=stderr`)).body;
    expect(stderr.lines[5]).toBe('warn 6');
  });

  it('pages logs of 500 lines and downloads the whole file', async () => {
    const task = await startTask({ tag: uniqueTag('logs'), input: { command: 'seq 1 1234' } });
    await waitForStatus(task.id, ['completed']);
    const page3 = await api<LogPage & { page: number; first_line: number }>(`/tasks/${task.id}/logs?stream=stdout&page=3`);
    expect(page3.body).toMatchObject({ page: 3, total_lines: 1234, total_pages: 3, first_line: 1001 });
    expect(page3.body.lines).toHaveLength(234);
    expect(page3.body.lines[0]).toBe('1001');
    const download = await fetch(`${(await import('./helpers')).apiUrl()}/tasks/${task.id}/logs/download?stream=stdout`);
    expect(download.headers.get('content-disposition')).toContain(`${task.id}-stdout.log`);
    expect((await download.text()).split('\n').filter(Boolean)).toHaveLength(1234);
  });

  it('searches the whole log, past the page the viewer shows', async () => {
    const task = await startTask({ tag: uniqueTag('logs'), input: { command: 'seq 1 1234; echo Needle-Line >&2' } });
    await waitForStatus(task.id, ['completed']);
    const found = await api<{ matches: number[]; truncated: boolean }>(`/tasks/${task.id}/logs/search?stream=stdout&q=123`);
    // 123, 1123 and 1230–1234: lines on pages 1 and 3.
    expect(found.body).toMatchObject({ matches: [123, 1123, 1230, 1231, 1232, 1233, 1234], truncated: false });
    const limited = await api<{ matches: number[]; truncated: boolean }>(`/tasks/${task.id}/logs/search?q=5&limit=3`);
    expect(limited.body).toMatchObject({ matches: [5, 15, 25], truncated: true });
    const stderr = await api<{ matches: number[] }>(`/tasks/${task.id}/logs/search?stream=stderr&q=needle-line`);
    expect(stderr.body.matches).toEqual([1]);
  });

  it('reads tqdm-style progress bars', async () => {
    const tag = uniqueTag('tqdm');
    // tqdm redraws its bar after a leading \r and writes no newline until it closes.
    const script = 'for p in 10 35 60; do printf "\\repochs: %3d%%|###   | %d/100 [00:01<00:02]" $p $p >&2; sleep 2; done; echo >&2';
    const task = await startTask({ tag, input: { command: script } });
    const seen = await waitFor('a tqdm percentage', async () => {
      const row = await listed(task.id, tag);
      return row && row.progress >= 35 && row.status === 'running' ? row : undefined;
    });
    expect(seen.message).toMatch(/epochs \d+\/100/);
    await waitForStatus(task.id, ['completed']);
  });

  it('keeps history small when the command reports progress 10,000 times', async () => {
    const task = await startTask({
      tag: uniqueTag('chatty'),
      input: { command: 'i=0; while [ $i -lt 10000 ]; do i=$((i+1)); echo "PROGRESS $((i/100)) item $i"; done' },
    });
    await waitForStatus(task.id, ['completed']);
    const { client, close } = await temporalClient();
    try {
      const description = await client.workflow.getHandle(task.id).describe();
      expect(description.historyLength).toBeLessThanOrEqual(150);
    } finally {
      await close();
    }
  });

  it('shows a new message at the same percentage in the detail view within 2 s', async () => {
    const task = await startTask({
      tag: uniqueTag('message'),
      input: { command: 'echo "PROGRESS 40 stage one"; sleep 3; echo "PROGRESS 40.5 stage two"; sleep 30' },
    });
    try {
      await waitFor('stage one', async () => ((await api<Detail>(`/tasks/${task.id}`)).body.message === 'stage one' ? true : undefined));
      const seenAt = Date.now();
      const detail = await waitFor('stage two', async () => {
        const d = (await api<Detail>(`/tasks/${task.id}`)).body;
        return d.message === 'stage two' ? d : undefined;
      });
      // Printed 3 s after stage one; shown well within 2 s of that.
      expect(Date.now() - seenAt).toBeLessThan(3000 + 2000);
      expect(detail.progress).toBe(40);
    } finally {
      await api(`/tasks/${task.id}/abort`, { method: 'POST' });
    }
  });

  it('shows the same progress in the Temporal Web UI details', async () => {
    const task = await startTask({ tag: uniqueTag('ui'), input: { command: 'echo "PROGRESS 42 half way"; sleep 30' } });
    const { client, close } = await temporalClient();
    try {
      const handle = client.workflow.getHandle(task.id);
      const details = await waitFor('current details with 42%', async () => {
        const metadata = await handle.query<{ currentDetails?: string }>('__temporal_workflow_metadata');
        return metadata.currentDetails?.includes('42%') ? metadata.currentDetails : undefined;
      });
      expect(details).toContain('half way');
      expect(details).toContain('Running');
      const description = await handle.describe();
      expect(await description.staticSummary()).toContain('Command');
    } finally {
      await api(`/tasks/${task.id}/abort`, { method: 'POST' });
      await close();
    }
  });
});

describe('a failing command', () => {
  it('ends failed with the last stderr lines as the error and its exit code', async () => {
    const tag = uniqueTag('fail');
    const task = await startTask({ tag, input: { command: 'echo starting; echo "disk quota exceeded" >&2; exit 3' } });
    const failed = await waitForStatus(task.id, ['failed']);
    expect(failed).toMatchObject({ task_status: 'F', exit_code: 3, failed_step: 'running' });
    expect(failed.error).toContain('disk quota exceeded');
    expect(failed.error).toContain('code 3');
    const detail = (await api<Detail>(`/tasks/${task.id}`)).body;
    expect(detail.error_detail).toMatchObject({ step: 'running', message: expect.stringContaining('disk quota exceeded') });
    expect(detail.timeline.map((t) => t.status)).toEqual(['pending', 'initializing', 'running', 'failed']);
    const row = await waitFor('the failed row with its error', async () => {
      const r = await listed(task.id, tag);
      return r?.status === 'failed' ? r : undefined;
    });
    expect(row.error).toContain('disk quota exceeded');
  });

  it('fails in initializing when the working directory does not exist', async () => {
    const task = await startTask({ tag: uniqueTag('cwd'), input: { command: 'pwd', cwd: '/nonexistent/taskdeck' } });
    const failed = await waitForStatus(task.id, ['failed']);
    expect(failed.failed_step).toBe('initializing');
    expect(failed.error).toContain('/nonexistent/taskdeck does not exist');
  });

  it('is killed and fails when it exceeds its timeout', async () => {
    const task = await startTask({ tag: uniqueTag('timeout'), input: { command: 'sleep 60', timeout_seconds: 1 } });
    const failed = await waitForStatus(task.id, ['failed']);
    expect(failed.error).toContain('timed out after 1 s');
  });

  it('runs in its cwd with its env', async () => {
    const task = await startTask({ tag: uniqueTag('env'), input: { command: 'pwd; echo "$GREETING"', cwd: '/tmp', env: { GREETING: 'hello taskdeck' } } });
    await waitForStatus(task.id, ['completed']);
    const logs = (await api<LogPage>(`/tasks/${task.id}/logs?stream=stdout`)).body;
    expect(logs.lines).toEqual(['/tmp', 'hello taskdeck']);
  });
});

describe('abort', () => {
  it('stops a long task and kills its whole process group', async () => {
    const marker = `taskdeck-abort-${Math.random().toString(36).slice(2)}`;
    const task = await startTask({
      tag: uniqueTag('abort'),
      // A background grandchild, named by bash's `exec -a` so it can be found: the group kill must reach it.
      input: { command: `sleep 300 & bash -c 'exec -a ${marker} sleep 300' & echo started; wait` },
    });
    await waitFor('the process group to run', async () => (pgrep(marker) ? true : undefined));
    await waitForStatus(task.id, ['running']);

    const abort = await api<Task>(`/tasks/${task.id}/abort`, { method: 'POST' });
    expect(abort.status).toBe(202);
    const aborted = await waitForStatus(task.id, ['aborted']);
    expect(aborted.task_status).toBe('C');
    expect(aborted.end_date).not.toBeNull();
    await waitFor('every process of the group to be gone', async () => (pgrep(marker) ? undefined : true), 10_000);

    const again = await api<{ error: string }>(`/tasks/${task.id}/abort`, { method: 'POST' });
    expect(again.status).toBe(409);
    expect(again.body.error).toContain('already aborted');
  });
});

describe('retry', () => {
  it('starts a new task with the same input, linked both ways, and refuses running tasks', async () => {
    const tag = uniqueTag('retry');
    const original = await startTask({ tag, name: 'flaky', input: { command: 'echo once; exit 1' } });
    await waitForStatus(original.id, ['failed']);

    const retry = await api<Task>(`/tasks/${original.id}/retry`, { method: 'POST' });
    expect(retry.status).toBe(201);
    expect(retry.body).toMatchObject({ retry_of: original.id, tag, name: 'flaky', task_type: 'command' });
    expect(retry.body.id).not.toBe(original.id);
    const detail = (await api<Detail>(`/tasks/${retry.body.id}`)).body;
    expect(detail.input).toEqual({ command: 'echo once; exit 1' });
    const originalDetail = (await api<Detail>(`/tasks/${original.id}`)).body;
    expect(originalDetail.retries).toContain(retry.body.id);

    const long = await startTask({ tag, input: { command: 'sleep 30' } });
    const refused = await api<{ error: string }>(`/tasks/${long.id}/retry`, { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(refused.body.error).toContain('still');
    await api(`/tasks/${long.id}/abort`, { method: 'POST' });
  });
});

describe('a task started from the Temporal CLI', () => {
  it('appears in Taskdeck with its type, labels and status', async () => {
    const { inject } = await import('vitest');
    const tag = uniqueTag('cli');
    const id = `cli-${tag}`;
    execFileSync(inject('temporalCli'), [
      'workflow', 'start',
      '--address', inject('temporalAddress'),
      '--task-queue', inject('taskQueue'),
      '--type', 'command',
      '--workflow-id', id,
      '--input', JSON.stringify({ input: { command: 'echo PROGRESS 50; echo from the cli' }, tag, name: 'cli task', user: 'cli-user' }),
    ]);
    const row = await waitFor('the CLI task to be listed as completed', async () => {
      const r = await listed(id, tag);
      return r?.status === 'completed' ? r : undefined;
    });
    expect(row).toMatchObject({ task_type: 'command', task_status: 'D', name: 'cli task', user: 'cli-user', progress: 100 });
    const logs = (await api<LogPage>(`/tasks/${id}/logs`)).body;
    expect(logs.lines).toContain('from the cli');
  });
});

/** Whether a process whose command line starts with the marker runs. */
function pgrep(marker: string): boolean {
  try {
    execFileSync('pgrep', ['-f', `^${marker}`]);
    return true;
  } catch {
    return false;
  }
}

describe('tasks ended outside Taskdeck', () => {
  it('shows a workflow cancelled from the Temporal CLI as aborted, and a terminated one as terminated', async () => {
    const { inject } = await import('vitest');
    const tag = uniqueTag('outside');
    const cancelled = await startTask({ tag, input: { command: 'sleep 60' } });
    const terminated = await startTask({ tag, input: { command: 'sleep 60' } });
    await Promise.all([waitForStatus(cancelled.id, ['running']), waitForStatus(terminated.id, ['running'])]);
    const cli = (...args: string[]) => execFileSync(inject('temporalCli'), [...args, '--address', inject('temporalAddress')]);
    cli('workflow', 'cancel', '--workflow-id', cancelled.id);
    cli('workflow', 'terminate', '--workflow-id', terminated.id, '--reason', 'operator cleanup');

    expect(await waitForStatus(cancelled.id, ['aborted'])).toMatchObject({ task_status: 'C' });
    const ended = await waitForStatus(terminated.id, ['terminated']);
    expect(ended.task_status).toBe('C');
    expect(ended.error).toContain('terminated');
    const detail = (await api<Detail>(`/tasks/${terminated.id}`)).body;
    expect(detail.timeline.at(-1)?.status).toBe('terminated');
    const row = await waitFor('the terminated row', async () => {
      const r = await listed(terminated.id, tag);
      return r?.status === 'terminated' ? r : undefined;
    });
    expect(row.end_date).not.toBeNull();
  });
});
