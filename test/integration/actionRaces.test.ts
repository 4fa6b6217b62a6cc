import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TaskDetail } from '../../core/contract';
import { SA, taskStatusOf } from '../../core';
import { api, startExtraApi, temporalClient, uniqueTag, waitFor, waitForStatus, type Task } from './helpers';

/**
 * Two actions sent at once on one task, for every pair of actions, several times: each answer is
 * a 2xx or a 409 that says why (never a 5xx), and the task ends in one state that Taskdeck and
 * Temporal agree on. An API with authentication and approval, so approve and reject take part.
 */
const TOKENS = { ada: 'races-ada-0123456789', olga: 'races-olga-0123456789' } as const;
const ACTIONS = ['abort', 'kill', 'pause', 'resume', 'retry', 'approve', 'reject'] as const;
type Action = (typeof ACTIONS)[number];
const ROUNDS = 2;

let base: string;
let stopApi: () => Promise<unknown>;

beforeAll(async () => {
  ({ base, stop: stopApi } = await startExtraApi({
    TASKDECK_APPROVAL_TYPES: 'command',
    TASKDECK_AUTH_TOKENS: `${TOKENS.ada}:ada:user,${TOKENS.olga}:olga:operator`,
  }));
}, 120_000);
afterAll(async () => {
  await stopApi();
});

const as = (who: keyof typeof TOKENS) => ({ base, headers: { authorization: `Bearer ${TOKENS[who]}` } });

/**
 * The task a pair acts on: one that has just been started and is about to end on its own (the
 * race an abort and a pause most often lose), or one of ada's waiting for approval, or approved
 * and running, as the pair needs.
 */
async function taskFor(pair: readonly Action[], tag: string, justStarted: boolean): Promise<Task> {
  if (justStarted) return (await api<Task>('/tasks', { method: 'POST', json: { type: 'command', tag, input: { command: 'true' } }, ...as('olga') })).body;
  const { body: task } = await api<Task>('/tasks', { method: 'POST', json: { type: 'command', tag, input: { command: 'sleep 30' } }, ...as('ada') });
  if (pair.includes('approve') || pair.includes('reject')) return task;
  expect((await api(`/tasks/${task.id}/approve`, { method: 'POST', json: {}, ...as('olga') })).status).toBe(200);
  // Generous: on the cluster suite's cold start (PostgreSQL, four processes on two cores) 56 tasks
  // at once once took longer than the default 30 s to reach their first activity.
  await waitFor(`${task.id} running`, async () => (await api<Task>(`/tasks/${task.id}`, as('olga'))).body.status === 'running', 90_000);
  return task;
}

const pairs: [Action, Action][] = ACTIONS.flatMap((a, i) => ACTIONS.slice(i).map((b): [Action, Action] => [a, b]));

describe('two actions at once on one task', () => {
  it(`end in a 2xx or a 409 with the reason, and one consistent state (${pairs.length} pairs, on a task just started and on one in the state they need, ${ROUNDS} rounds)`, async () => {
    const tag = uniqueTag('races');
    const { client, close } = await temporalClient();
    const problems: string[] = [];
    try {
      for (let round = 0; round < ROUNDS; round++) {
        await Promise.all(
          pairs.flatMap((pair) => [true, false].map((justStarted) => [pair, justStarted] as const)).map(async ([pair, justStarted]) => {
            const task = await taskFor(pair, tag, justStarted);
            const answers = await Promise.all(pair.map((action) => api<{ error?: string }>(`/tasks/${task.id}/${action}`, { method: 'POST', json: action === 'reject' ? { note: 'race' } : undefined, ...as('olga') })));
            answers.forEach((answer, i) => {
              const ok = answer.status < 300 || (answer.status === 409 && typeof answer.body.error === 'string' && answer.body.error.length > 0);
              if (!ok) problems.push(`${pair.join('+')}: ${pair[i]} answered ${answer.status} ${JSON.stringify(answer.body)}`);
            });
            // Taskdeck's word and Temporal's agree once the task has settled.
            await waitFor(`${pair.join('+')} to settle`, async () => {
              const detail = (await api<TaskDetail>(`/tasks/${task.id}`, as('olga'))).body;
              const described = await client.workflow.getHandle(task.id).describe();
              const temporal = taskStatusOf(described.status.name, described.typedSearchAttributes.get(SA.status));
              const timelineEnd = detail.timeline.at(-1)?.status;
              return detail.status === temporal && timelineEnd === detail.status;
            }, 30_000).catch((err: Error) => problems.push(`${pair.join('+')}: ${err.message}`));
          }),
        );
      }
    } finally {
      // Nothing of this test keeps running.
      const { body } = await api<Task[]>(`/tasks?tag=${tag}&limit=100&status=Q&status=R`, as('olga'));
      await Promise.all(body.map((t) => api(`/tasks/${t.id}/abort`, { method: 'POST', ...as('olga') })));
      await Promise.all(body.map((t) => waitForStatus(t.id, ['aborted', 'rejected', 'completed', 'failed']).catch(() => undefined)));
      await close();
    }
    expect(problems).toEqual([]);
  }, 400_000);
});
