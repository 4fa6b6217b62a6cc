/**
 * The task table's sorts and window, without zod: the web app imports these at runtime, and the
 * contract's query schema is built from them.
 */
export const SORT_KEYS = ['time', 'duration', 'dataset', 'task_type', 'status'] as const;
export type SortKey = (typeof SORT_KEYS)[number];

/** The list window: 1 hour up to the 14 days Temporal keeps closed tasks. */
export const MAX_WINDOW_HOURS = 14 * 24;

/**
 * `GET /tasks` without `within_hours` lists the last hour, as vectorize-tasks-endpoint.md says
 * ("Get all recent tasks (default: last hour)"); the web app asks for its window explicitly.
 */
export const DEFAULT_LIST_HOURS = 1;

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;
