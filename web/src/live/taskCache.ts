import { hashKey, notifyManager, type Query, type QueryClient, type QueryKey } from '@tanstack/react-query';
import type { TaskStatus } from '../../../core/statuses';
import { keysTouchedBy, queryKeys, taskKeys, type TaskPage } from '../api/queries';
import { subscribeToken, token } from '../api/session';
import type { ApprovalItem, TaskDetail, TaskRecord, TaskType } from '../api/types';
import { subscribeTaskEvents, type TaskEvent } from './taskEvents';

/** However many task events arrive, what they touch is invalidated at most this often. */
export const INVALIDATE_EVERY_MS = 1000;

/**
 * Puts a changed task's row into the cache at once: into every cached page of the task table
 * that shows it (with `receivedAt`, from which its running duration counts on) and over the
 * fields of its cached detail. Answers the statuses the cache held for it before.
 */
export function patchTask(client: QueryClient, task: TaskRecord, receivedAt = Date.now()): TaskStatus[] {
  const before: TaskStatus[] = [];
  notifyManager.batch(() => {
    client.setQueriesData<TaskPage>(
      { queryKey: taskKeys.lists() },
      (page) => {
        const i = page ? page.rows.findIndex((row) => row.task.id === task.id) : -1;
        // A page without the task stays as it is (undefined leaves a query untouched).
        if (!page || i < 0) return undefined;
        before.push(page.rows[i].task.status);
        const rows = [...page.rows];
        rows[i] = { task, receivedAt };
        return { ...page, rows };
      },
      { updatedAt: receivedAt },
    );
    client.setQueryData<TaskDetail>(
      taskKeys.detail(task.id),
      (detail) => {
        if (!detail) return undefined;
        before.push(detail.status);
        // A detail is the row and more: the row's fields are the newer ones, except that a
        // detail may count progress from the live heartbeat, ahead of the row: within one status
        // the bar never goes back.
        const progress = detail.status === task.status ? Math.max(detail.progress, task.progress) : task.progress;
        return { ...detail, ...task, progress };
      },
      { updatedAt: receivedAt },
    );
  });
  return before;
}

/**
 * The one way live events reach the server state: a task event patches the task's row where the
 * cache holds it, then invalidates what the change may have moved (see keysTouchedBy), gathered
 * over a burst and invalidated at most once per `everyMs` (the first event after a quiet spell
 * goes at once). A resync invalidates everything at once. Invalidating refetches only the
 * queries some page shows; the others are marked stale and refetch when shown again.
 */
export class TaskCacheBridge {
  private readonly pending = new Map<string, QueryKey>();
  /** Tasks a new or changed task links to: their neighbourhood graphs may have a new edge. */
  private readonly linked = new Set<string>();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private lastFlush = -Infinity;

  constructor(
    private readonly client: QueryClient,
    private readonly everyMs = INVALIDATE_EVERY_MS,
  ) {}

  handle = (event: TaskEvent): void => {
    if (event.kind === 'resync') {
      this.resync();
      return;
    }
    const { task } = event;
    const detail = this.client.getQueryState<TaskDetail>(taskKeys.detail(task.id));
    const before = patchTask(this.client, task);
    const queued = this.client.getQueryData<ApprovalItem[]>(queryKeys.approvals)?.some((item) => item.id === task.id) ?? false;
    for (const key of keysTouchedBy(task, queued || before.includes('pending_approval'))) this.pending.set(hashKey(key), key);
    // A new status comes with more than the row says (timeline, result, error detail, worker);
    // a detail that could not be had (not found yet) is asked again.
    if (detail && detail.data?.status !== task.status) this.pending.set(hashKey(taskKeys.detail(task.id)), taskKeys.detail(task.id));
    // A type no one has seen yet (a plugin's workflow type): the type filter should offer it.
    const types = this.client.getQueryData<TaskType[]>(queryKeys.taskTypes);
    if (Array.isArray(types) && !types.some((t) => t.id === task.task_type)) this.pending.set(hashKey(queryKeys.taskTypes), queryKeys.taskTypes);
    for (const id of [task.triggered_by, ...task.depends_on]) if (id) this.linked.add(id);
    this.schedule();
  };

  /** Stops the pending invalidation, for good. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending.clear();
    this.linked.clear();
  }

  private resync(): void {
    // Everything is invalidated now, so the burst's own invalidation has nothing left to do.
    this.dispose();
    this.lastFlush = Date.now();
    void this.client.invalidateQueries();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastFlush + this.everyMs - Date.now());
    this.timer = setTimeout(this.flush, wait);
  }

  private readonly flush = (): void => {
    this.timer = undefined;
    this.lastFlush = Date.now();
    const keys = [...this.pending.values()];
    const linked = new Set(this.linked);
    this.pending.clear();
    this.linked.clear();
    notifyManager.batch(() => {
      for (const queryKey of keys) void this.client.invalidateQueries({ queryKey });
      if (linked.size > 0) void this.client.invalidateQueries({ predicate: (query) => linked.has(neighbourhoodOf(query) ?? '') });
    });
  };
}

/** The task whose neighbourhood a `['graph', query]` query draws, if it draws one. */
function neighbourhoodOf(query: Query): string | null {
  const [scope, params] = query.queryKey;
  return scope === queryKeys.graph('')[0] && typeof params === 'string' ? new URLSearchParams(params).get('task') : null;
}

/**
 * Connects the cache to the app's live stream and to the session: a sign-in (a new token) resets
 * every query, so nothing another user was shown stays and everything is asked again with the
 * new token; a sign-out resets who is signed in. Answers how to disconnect.
 */
export function connectTaskCache(client: QueryClient): () => void {
  const bridge = new TaskCacheBridge(client);
  const stopEvents = subscribeTaskEvents(bridge.handle);
  let signedIn = token();
  const stopSession = subscribeToken(() => {
    const now = token();
    if (now === signedIn) return;
    signedIn = now;
    void (now === null ? client.resetQueries({ queryKey: queryKeys.me }) : client.resetQueries());
  });
  return () => {
    stopEvents();
    stopSession();
    bridge.dispose();
  };
}
