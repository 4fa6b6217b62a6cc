import { api, waitFor, type Task } from '../integration/helpers';

export interface LogPage {
  lines: string[];
}

/** The worker a running task's command runs on (its identity), as the task page shows it. */
export async function runningOn(base: string, id: string): Promise<string> {
  return waitFor(`task ${id} to run on a worker`, async () => {
    const { body } = await api<Task & { worker: string | null }>(`/tasks/${id}`, { base });
    if (body.status === 'completed') throw new Error(`task ${id} completed before its worker was seen`);
    return body.worker ?? undefined;
  });
}

/** Every task of a tag as one API lists it: id and status, sorted by id for comparison. */
export async function listedStates(base: string, tag: string): Promise<string[]> {
  const { body } = await api<Task[]>(`/tasks?tag=${encodeURIComponent(tag)}&limit=100`, { base });
  return body.map((t) => `${t.id} ${t.status}`).sort();
}

export async function waitAllCompleted(base: string, ids: string[], timeoutMs = 90_000): Promise<void> {
  await waitFor(`${ids.length} tasks to complete`, async () => {
    const details = await Promise.all(ids.map((id) => api<Task>(`/tasks/${id}`, { base })));
    const failed = details.find((d) => ['failed', 'aborted', 'terminated', 'timed_out'].includes(d.body.status));
    if (failed) throw new Error(`task ${failed.body.id} ended ${failed.body.status}: ${failed.body.error}`);
    return details.every((d) => d.body.status === 'completed') || undefined;
  }, timeoutMs);
}

export async function logLines(base: string, id: string, stream: 'stdout' | 'stderr'): Promise<string[]> {
  const { status, body } = await api<LogPage>(`/tasks/${id}/logs?stream=${stream}`, { base });
  if (status !== 200) throw new Error(`GET /tasks/${id}/logs answered ${status}`);
  return body.lines;
}
