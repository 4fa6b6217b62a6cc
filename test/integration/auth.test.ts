import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { api, startExtraApi, uniqueTag, waitFor, type Task } from './helpers';

/**
 * A second API process with authentication on, against the suite's Temporal and worker, so the
 * other tests keep their API without auth.
 */
const TOKENS = { ada: 't-ada', bob: 't-bob', olga: 't-olga', root: 't-root' } as const;
type Caller = keyof typeof TOKENS;
const ROLE: Record<Caller, string> = { ada: 'user', bob: 'user', olga: 'operator', root: 'admin' };

let base: string;
let stopApi: () => Promise<unknown>;

beforeAll(async () => {
  ({ base, stop: stopApi } = await startExtraApi({
    TASKDECK_APPROVAL_TYPES: 'command',
    TASKDECK_AUTH_TOKENS: Object.entries(TOKENS).map(([user, token]) => `${token}:${user}:${ROLE[user as Caller]}`).join(','),
  }));
}, 120_000);
afterAll(async () => {
  await stopApi();
});

const as = (caller: Caller | 'nobody' | 'forger'): { base: string; headers: Record<string, string> } => ({
  base,
  headers: caller === 'nobody' ? {} : { authorization: `Bearer ${caller === 'forger' ? 'not-a-token' : TOKENS[caller]}` },
});
const call = <T = unknown>(caller: Caller | 'nobody' | 'forger', path: string, json?: unknown) =>
  api<T>(path, { method: json === undefined && !path.match(/\/(abort|kill|pause|resume|retry|approve|reject)$/) ? 'GET' : 'POST', json, ...as(caller) });

interface Bulk {
  accepted: { id: string }[];
  refused: { id: string; status: number }[];
}

async function start(caller: Caller, command: string, extra: Record<string, unknown> = {}): Promise<Task> {
  const res = await call<Task>(caller, '/tasks', { type: 'command', tag: uniqueTag('auth'), input: { command }, ...extra });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

async function statusOf(id: string): Promise<string> {
  return (await call<Task>('root', `/tasks/${id}`)).body.status;
}

async function waitStatus(id: string, status: string): Promise<void> {
  await waitFor(`${id} ${status}`, async () => (await statusOf(id)) === status, 30_000);
}

/** A task of ada's in the state the action needs; her commands need an operator's approval first. */
async function adasTask(state: 'pending_approval' | 'running' | 'paused' | 'finished'): Promise<Task> {
  const task = await start('ada', state === 'finished' ? 'true' : 'sleep 60');
  expect(task.status).toBe('pending_approval');
  if (state === 'pending_approval') return task;
  expect((await call('olga', `/tasks/${task.id}/approve`)).status).toBe(200);
  await waitStatus(task.id, state === 'finished' ? 'completed' : 'running');
  if (state === 'paused') {
    expect((await call('ada', `/tasks/${task.id}/pause`)).status).toBe(200);
  }
  return task;
}

const MUTATING = [
  '/tasks',
  ...['abort', 'kill', 'pause', 'resume', 'retry', 'approve', 'reject'].map((a) => `/tasks/x/${a}`),
  '/datasets/x/enrichment/retry',
  '/batches',
  '/batches/x/abort',
  '/tasks/bulk/abort',
  '/tasks/bulk/retry',
];

describe('authentication', () => {
  it('answers 401 without a token or with an unknown one, on every route, and says which', async () => {
    for (const path of [...MUTATING, '/tasks', '/tasks/x', '/me', '/approvals', '/task-types', '/config', '/openapi.json', '/tasks/x/logs']) {
      const method = MUTATING.includes(path) ? 'POST' : 'GET';
      const missing = await api<{ error: string }>(path, { method, base, json: method === 'POST' ? {} : undefined });
      expect(missing.status, `${method} ${path}`).toBe(401);
      expect(missing.body.error).toBe('missing bearer token');
      const forged = await api<{ error: string }>(path, { method, json: method === 'POST' ? {} : undefined, ...as('forger') });
      expect(forged.status, `${method} ${path}`).toBe(401);
      expect(forged.body.error).toBe('invalid token');
    }
    // Liveness probes need no token.
    expect((await api('/healthz', { base })).status).toBe(200);
    expect((await call('olga', '/me')).body).toEqual({ auth: true, user: 'olga', role: 'operator' });
  });

  it('takes ?access_token= only where a browser cannot send a header (events, log follow and download)', async () => {
    const controller = new AbortController();
    const events = await fetch(`${base}/events?access_token=${TOKENS.bob}`, { signal: controller.signal });
    expect(events.status).toBe(200);
    controller.abort();
    const task = await adasTask('finished');
    const download = await fetch(`${base}/tasks/${task.id}/logs/download?stream=stdout&access_token=${TOKENS.ada}`);
    expect(download.status).toBe(200);
    // The same read rules as with a header: another user's logs are not bob's to read.
    expect((await fetch(`${base}/tasks/${task.id}/logs/download?stream=stdout&access_token=${TOKENS.bob}`)).status).toBe(403);
    expect((await fetch(`${base}/tasks?access_token=${TOKENS.bob}`)).status).toBe(401);
  });
});

describe('roles', () => {
  it('lets every role submit, as itself: the User column and the user= filter show the real initiator', async () => {
    const tag = uniqueTag('who');
    const started = await Promise.all((['ada', 'olga', 'root'] as const).map((c) => start(c, 'true', { tag })));
    expect(started.map((t) => t.user)).toEqual(['ada', 'olga', 'root']);
    const forged = await call<{ error: string; field: string }>('ada', '/tasks', { type: 'command', input: { command: 'true' }, user: 'olga' });
    expect(forged.status).toBe(403);
    expect(forged.body.field).toBe('user');
    const adas = await waitFor('the user filter', async () => {
      const { body } = await call<Task[]>('bob', `/tasks?tag=${tag}&user=ada`);
      return body.length === 1 ? body : undefined;
    });
    expect(adas[0].id).toBe(started[0].id);
  });

  // The matrix: each action on a task of ada's, by its owner, another user, an operator and an admin.
  const OWN: Record<Caller, boolean> = { ada: true, bob: false, olga: true, root: true };
  const OPERATORS: Record<Caller, boolean> = { ada: false, bob: false, olga: true, root: true };
  const ACTIONS = {
    abort: ['running', OWN],
    kill: ['running', OWN],
    pause: ['running', OWN],
    resume: ['paused', OWN],
    retry: ['finished', OWN],
    approve: ['pending_approval', OPERATORS],
    reject: ['pending_approval', OPERATORS],
  } as const;

  for (const [action, [state, ALLOWED]] of Object.entries(ACTIONS)) {
    const who = ALLOWED === OWN ? 'a user only on its own tasks, an operator or admin on any' : 'only an operator or admin, not even the submitter';
    it(`${action}: ${who}; a refused call changes nothing`, async () => {
      const callers = Object.keys(ALLOWED) as Caller[];
      const tasks = await Promise.all(callers.map(() => adasTask(state)));
      const results = await Promise.all(callers.map((caller, i) => call<{ error: string; role: string; action: string }>(caller, `/tasks/${tasks[i].id}/${action}`)));
      for (const [i, caller] of callers.entries()) {
        const res = results[i];
        if (ALLOWED[caller]) {
          expect(res.status, `${caller} ${action}: ${JSON.stringify(res.body)}`).toBeLessThan(300);
        } else {
          expect(res.status, `${caller} ${action}`).toBe(403);
          expect(res.body).toMatchObject({ role: 'user', action });
          expect(res.body.error).toMatch(new RegExp(`role user \\(${caller}\\) may not ${action}`));
          expect(await statusOf(tasks[i].id)).toBe(state === 'finished' ? 'completed' : state);
        }
      }
      if (action === 'retry') {
        // The retry is the retrier's own task, and only a user's needs approval.
        const retries = results.filter((_, i) => ALLOWED[callers[i]]).map((r) => r.body as unknown as Task);
        expect(retries.map((t) => [t.user, t.status])).toEqual([['ada', 'pending_approval'], ['olga', 'pending'], ['root', 'pending']]);
        await Promise.all(retries.map((t) => call('root', `/tasks/${t.id}/abort`)));
      }
      // Leave nothing running.
      await Promise.all(tasks.map((t) => call('root', `/tasks/${t.id}/abort`)));
    });
  }

  it('lets everyone read every task, its owner, operators and admins its logs, and only operators and admins the approval queue', async () => {
    const task = await adasTask('finished');
    const everyone = [`/tasks/${task.id}`, `/tasks?q=${task.id}`, `/graph?task=${task.id}`, '/task-types', '/me'];
    const owners = ['', '/search?q=x', '/download', '/follow'].map((rest) => `/tasks/${task.id}/logs${rest}`);
    const expected: Record<Caller, { logs: number; approvals: number }> = {
      ada: { logs: 200, approvals: 403 },
      bob: { logs: 403, approvals: 403 },
      olga: { logs: 200, approvals: 200 },
      root: { logs: 200, approvals: 200 },
    };
    const matrix: string[] = [];
    for (const caller of Object.keys(TOKENS) as Caller[]) {
      for (const path of everyone) matrix.push(`${caller} GET ${path}: ${(await call(caller, path)).status}`);
      for (const path of owners) matrix.push(`${caller} GET ${path}: ${(await call(caller, path)).status}`);
      matrix.push(`${caller} GET /approvals: ${(await call(caller, '/approvals')).status}`);
    }
    const want = (Object.keys(TOKENS) as Caller[]).flatMap((caller) => [
      ...everyone.map((path) => `${caller} GET ${path}: 200`),
      ...owners.map((path) => `${caller} GET ${path}: ${expected[caller].logs}`),
      `${caller} GET /approvals: ${expected[caller].approvals}`,
    ]);
    expect(matrix).toEqual(want);
    // The refusal says who, what and why.
    const refused = await call<{ error: string; action: string }>('bob', `/tasks/${task.id}/logs`);
    expect(refused.body).toMatchObject({ action: 'read logs', error: expect.stringContaining("a user reads only its own tasks' logs") });
  });

  it('bulk actions and batches respect roles: a user acts only on its own tasks in them', async () => {
    const task = await adasTask('running');
    const byBob = await call<Bulk>('bob', '/tasks/bulk/abort', { ids: [task.id] });
    expect(byBob.status).toBe(202);
    expect(byBob.body).toMatchObject({ accepted: [], refused: [{ id: task.id, status: 403 }] });
    const retryByBob = await call<Bulk>('bob', '/tasks/bulk/retry', { ids: [task.id] });
    expect(retryByBob.body.refused).toMatchObject([{ id: task.id, status: 403 }]);

    const batch = await call<{ id: string; tasks: Task[] }>('ada', '/batches', { tasks: [{ type: 'command', input: { command: 'sleep 60' } }] });
    expect(batch.status).toBe(201);
    expect(batch.body.tasks.map((t) => [t.user, t.status])).toEqual([['ada', 'pending_approval']]);
    const forged = await call<{ field: string }>('ada', '/batches', { tasks: [{ type: 'command', input: { command: 'true' }, user: 'olga' }] });
    expect(forged.body.field).toBe('tasks.0.user');
    // Bob's batch abort selects only Bob's tasks: Ada's task keeps waiting.
    const bobsAbort = await call<{ query: string }>('bob', `/batches/${batch.body.id}/abort`);
    expect(bobsAbort.body.query).toContain("TaskdeckUser = 'bob'");
    await new Promise((r) => setTimeout(r, 1500));
    expect(await statusOf(batch.body.tasks[0].id)).toBe('pending_approval');

    const byOlga = await call<Bulk>('olga', '/tasks/bulk/abort', { ids: [task.id] });
    expect(byOlga.body.accepted).toEqual([{ id: task.id }]);
    expect((await call('ada', `/batches/${batch.body.id}/abort`)).status).toBe(202);
    await Promise.all([waitStatus(task.id, 'aborted'), waitStatus(batch.body.tasks[0].id, 'aborted')]);
  });

  it("lets a user abort its own pipeline, not another user's, and says it is the pipeline it may not abort", async () => {
    const started = await call<{ id: string; user: string; tasks: { id: string }[] }>('ada', '/pipelines', {
      name: uniqueTag('auth-pipeline'),
      tasks: [{ key: 'wait', type: 'command', input: { command: 'sleep 60' } }],
    });
    expect(started.status).toBe(201);
    expect(started.body.user).toBe('ada');
    const id = started.body.id;
    // Ada's command waits for approval: the pipeline runs, its task started and waiting.
    await waitStatus(started.body.tasks[0].id, 'pending_approval');

    const byBob = await call<{ error: string; action: string }>('bob', `/pipelines/${id}/abort`);
    expect(byBob.status).toBe(403);
    expect(byBob.body.error).toBe(`Forbidden: role user (bob) may not abort pipeline ${id}: a user can only act on its own pipelines; it cannot abort it`);
    expect((await call<{ status: string }>('ada', `/pipelines/${id}`)).body.status).toBe('running');

    expect((await call('ada', `/pipelines/${id}/abort`)).status).toBe(202);
    await waitStatus(started.body.tasks[0].id, 'aborted');
    await waitFor('the pipeline to end aborted', async () => (await call<{ status: string }>('ada', `/pipelines/${id}`)).body.status === 'aborted', 60_000);
  });

  // The dataset's enrichment retry is a task retry (the same role check on the enrichment's owner); here only that it passes authentication.
  it('the enrichment retry route of a dataset takes a signed-in user to its own checks', async () => {
    expect((await call('bob', '/datasets/no-such-dataset/enrichment/retry', {})).status).toBe(404);
  });
});

interface Approval extends Task {
  input: { command: string };
  resources: { resource: string; dataset_access: string };
}

describe('approval', () => {
  it("holds a user's command in pending_approval, shows it in the queue, and runs it once an operator approves", async () => {
    const task = await start('ada', 'echo reviewed; echo PROGRESS 50', { name: 'needs a look' });
    expect(task).toMatchObject({ status: 'pending_approval', task_status: 'Q', user: 'ada' });
    const queued = await waitFor('the approval queue', async () => (await call<Approval[]>('olga', '/approvals')).body.find((t) => t.id === task.id));
    expect(queued).toMatchObject({ name: 'needs a look', user: 'ada', input: { command: 'echo reviewed; echo PROGRESS 50' }, resources: { resource: 'cpu', dataset_access: 'none' } });

    // It waits: nothing runs, it cannot be paused, and its owner cannot approve it.
    await new Promise((r) => setTimeout(r, 1500));
    expect(await statusOf(task.id)).toBe('pending_approval');
    expect((await call<{ total_lines: number }>('root', `/tasks/${task.id}/logs?stream=stdout`)).body.total_lines ?? 0).toBe(0);
    expect((await call('ada', `/tasks/${task.id}/pause`)).status).toBe(409);
    expect((await call('ada', `/tasks/${task.id}/approve`)).status).toBe(403);

    const approved = await call<Task>('olga', `/tasks/${task.id}/approve`, { note: 'looks fine' });
    expect(approved.status).toBe(200);
    expect(approved.body.status).toBe('pending');
    await waitStatus(task.id, 'completed');
    const detail = (await call<Task & { timeline: { status: string }[]; approval: Record<string, unknown> }>('ada', `/tasks/${task.id}`)).body;
    expect(detail.timeline.map((t) => t.status)).toEqual(['pending_approval', 'pending', 'initializing', 'running', 'completed']);
    expect(detail.approval).toMatchObject({ decision: 'approved', by: 'olga', note: 'looks fine' });
    await waitFor('the queue to drop it', async () => !(await call<Approval[]>('olga', '/approvals')).body.some((t) => t.id === task.id));
    // Approving twice is refused with the reason.
    expect((await call('olga', `/tasks/${task.id}/approve`)).status).toBe(409);
  });

  it('ends a rejected task as rejected, with who rejected it and why', async () => {
    const task = await start('ada', 'rm -rf /tmp/nothing-here');
    const rejected = await call<Task>('root', `/tasks/${task.id}/reject`, { note: 'not on this host' });
    expect(rejected.status).toBe(200);
    expect(rejected.body.status).toBe('rejected');
    await waitStatus(task.id, 'rejected');
    const detail = (await call<Task & { error_detail: { message: string; step: string }; approval: Record<string, unknown> }>('ada', `/tasks/${task.id}`)).body;
    expect(detail).toMatchObject({ task_status: 'C', error: 'Rejected by root: not on this host', started_at: null, duration_ms: null });
    expect(detail.error_detail).toEqual({ message: 'Rejected by root: not on this host', step: 'pending_approval' });
    expect(detail.approval).toMatchObject({ decision: 'rejected', by: 'root' });
    expect((await call('olga', `/tasks/${task.id}/approve`)).status).toBe(409);
    const badNote = await call<{ field: string }>('olga', `/tasks/${task.id}/reject`, { note: 'x'.repeat(1001) });
    expect(badNote.status).toBe(400);
    expect(badNote.body.field).toBe('note');
  });

  it("needs no approval for an operator's task, and lets a user abort its own task while it waits", async () => {
    const operators = await start('olga', 'true');
    expect(operators.status).toBe('pending');
    const waiting = await start('ada', 'true');
    expect((await call('ada', `/tasks/${waiting.id}/abort`)).status).toBe(202);
    await waitStatus(waiting.id, 'aborted');
  });
});
