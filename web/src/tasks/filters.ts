import { STATUS_LABEL, isTaskStatus, statusesForFilter } from '../../../core/statuses';

/**
 * The task table's view: filters, sort and page, kept in the page URL so a view can be shared
 * and reloaded. Only values that differ from the defaults are written to the URL.
 */
export interface TableView {
  within_hours: number;
  task_type: string;
  dataset: string;
  dataset_id: string;
  status: string[];
  user: string;
  tag: string;
  node: string;
  batch: string;
  pipeline: string;
  group: string;
  /** One origin (adhoc, scheduled, ...), or '' for any. */
  origin: string;
  schedule: string;
  q: string;
  sort: SortColumn;
  order: 'asc' | 'desc';
  page: number;
}

export const TIME_WINDOWS = [
  { hours: 6, label: '6h' },
  { hours: 12, label: '12h' },
  { hours: 24, label: '24h' },
  { hours: 72, label: '3d' },
  { hours: 168, label: '7d' },
  { hours: 336, label: '14d' },
] as const;

export const SORT_COLUMNS = ['time', 'duration', 'dataset', 'task_type', 'status'] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];

export const PAGE_SIZE = 25;

export const DEFAULT_VIEW: TableView = {
  within_hours: 336,
  task_type: '',
  dataset: '',
  dataset_id: '',
  status: [],
  user: '',
  tag: '',
  node: '',
  batch: '',
  pipeline: '',
  group: '',
  origin: '',
  schedule: '',
  q: '',
  sort: 'time',
  order: 'desc',
  page: 1,
};

const TEXT_FILTERS = ['task_type', 'dataset', 'dataset_id', 'user', 'tag', 'node', 'batch', 'pipeline', 'group', 'origin', 'schedule', 'q'] as const;

export function viewFromUrl(params: URLSearchParams): TableView {
  const view: TableView = { ...DEFAULT_VIEW, status: params.getAll('status').filter((s) => statusesForFilter(s) !== undefined) };
  for (const key of TEXT_FILTERS) view[key] = params.get(key) ?? '';
  const hours = Number(params.get('within_hours'));
  if (TIME_WINDOWS.some((w) => w.hours === hours)) view.within_hours = hours;
  const sort = params.get('sort');
  if ((SORT_COLUMNS as readonly (string | null)[]).includes(sort)) view.sort = sort as SortColumn;
  const order = params.get('order');
  if (order === 'asc' || order === 'desc') view.order = order;
  const page = Number(params.get('page'));
  if (Number.isInteger(page) && page > 1) view.page = page;
  return view;
}

export function viewToUrl(view: TableView): URLSearchParams {
  const params = new URLSearchParams();
  if (view.within_hours !== DEFAULT_VIEW.within_hours) params.set('within_hours', String(view.within_hours));
  for (const key of TEXT_FILTERS) if (view[key]) params.set(key, view[key]);
  for (const status of view.status) params.append('status', status);
  if (view.sort !== DEFAULT_VIEW.sort) params.set('sort', view.sort);
  if (view.order !== DEFAULT_VIEW.order) params.set('order', view.order);
  if (view.page > 1) params.set('page', String(view.page));
  return params;
}

/** The `GET /tasks` query for a view: the same names, plus limit and offset for its page. */
export function viewToApiQuery(view: TableView): URLSearchParams {
  const params = viewToUrl({ ...view, page: 1 });
  params.set('within_hours', String(view.within_hours));
  params.set('sort', view.sort);
  params.set('order', view.order);
  params.set('limit', String(PAGE_SIZE));
  params.set('offset', String((view.page - 1) * PAGE_SIZE));
  return params;
}

/** The view's filter as `POST /tasks/bulk/*` takes it: the `GET /tasks` query without sort or page. */
export function viewToBulkFilter(view: TableView): Record<string, string | string[]> {
  const filter: Record<string, string | string[]> = { within_hours: String(view.within_hours) };
  for (const key of TEXT_FILTERS) if (view[key]) filter[key] = view[key];
  if (view.status.length) filter.status = view.status;
  return filter;
}

/** Whether anything but the time window narrows the table (the empty state says which). */
export function hasFilters(view: TableView): boolean {
  return TEXT_FILTERS.some((key) => view[key] !== '') || view.status.length > 0;
}

/** A filter the table shows as a chip: what it says, and what removing it changes in the view. */
export interface FilterChip {
  key: string;
  text: string;
  remove: Partial<TableView>;
}

const CHIP_LABEL: Record<(typeof TEXT_FILTERS)[number], string> = {
  task_type: 'Task',
  dataset: 'Dataset',
  dataset_id: 'Dataset ID',
  user: 'Operated by',
  tag: 'Tag',
  node: 'Node',
  batch: 'Batch',
  pipeline: 'Pipeline',
  group: 'Group',
  origin: 'Origin',
  schedule: 'Schedule',
  q: 'Name',
};

/**
 * Every filter that narrows the table, in the order of the filter bar, each removable on its own:
 * a link that filters by a batch or a pipeline (which the bar has no field for) shows what it did.
 */
export function activeFilters(view: TableView, typeLabel: (id: string) => string): FilterChip[] {
  const chips: FilterChip[] = [];
  if (view.within_hours !== DEFAULT_VIEW.within_hours) {
    const window = TIME_WINDOWS.find((w) => w.hours === view.within_hours)?.label ?? `${view.within_hours}h`;
    chips.push({ key: 'within_hours', text: `Last ${window}`, remove: { within_hours: DEFAULT_VIEW.within_hours, page: 1 } });
  }
  const text = (key: (typeof TEXT_FILTERS)[number]) => {
    if (view[key]) chips.push({ key, text: `${CHIP_LABEL[key]}: ${key === 'task_type' ? typeLabel(view[key]) : view[key]}`, remove: { [key]: '', page: 1 } });
  };
  text('task_type');
  text('dataset');
  text('dataset_id');
  for (const status of view.status) {
    chips.push({
      key: `status-${status}`,
      text: `Status: ${isTaskStatus(status) ? STATUS_LABEL[status] : `code ${status}`}`,
      remove: { status: view.status.filter((s) => s !== status), page: 1 },
    });
  }
  for (const key of ['user', 'tag', 'batch', 'pipeline', 'q'] as const) text(key);
  return chips;
}

/** Clicking a header sorts by it; clicking the sorted header again flips the order. */
export function toggleSort(view: TableView, column: SortColumn): TableView {
  const order = view.sort === column ? (view.order === 'desc' ? 'asc' : 'desc') : column === 'time' || column === 'duration' ? 'desc' : 'asc';
  return { ...view, sort: column, order, page: 1 };
}
