import type { StatusCode, TaskStatus } from '../../../core/statuses';

/** One row of `GET /tasks` (see api/taskRecord.ts for the contract). */
export interface TaskRecord {
  id: string;
  task_type: string;
  task_status: StatusCode;
  tag: string | null;
  created_at: string;
  end_date: string | null;
  name: string | null;
  status: TaskStatus;
  progress: number;
  message: string | null;
  dataset: string | null;
  dataset_id: string | null;
  user: string | null;
  started_at: string | null;
  duration_ms: number | null;
  error: string | null;
  failed_step: TaskStatus | null;
  exit_code: number | null;
  retry_of: string | null;
  batch_id: string | null;
  /** The task that started this one as its follow-up (a reindex after a media addition). */
  triggered_by: string | null;
  /** Tasks that must complete before this one starts. */
  depends_on: string[];
  /** The pipeline whose child this task is. */
  pipeline_id: string | null;
  run_id: string;
  paused_ms: number;
  paused_at: string | null;
}

export interface TimelineEntry {
  status: TaskStatus;
  at: string;
}

/** `GET /tasks/:id`. */
export interface TaskDetail extends TaskRecord {
  input: unknown;
  timeline: TimelineEntry[];
  error_detail: { message: string; step: TaskStatus } | null;
  result: unknown;
  retries: string[];
  worker: string | null;
  temporal_ui_url: string | null;
}

/** A JSON Schema as `GET /task-types` serves it: the subset zod emits for task inputs. */
export interface JsonSchema {
  type?: string | string[];
  description?: string;
  default?: unknown;
  enum?: unknown[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minLength?: number;
}

export interface TaskType {
  id: string;
  label: string;
  description: string;
  modifies_data: boolean;
  /** Whether a start names an existing dataset, a new one, or none. */
  dataset: 'existing' | 'new' | 'none';
  resource: 'cpu' | 'gpu';
  alias_of: string | null;
  input_schema: JsonSchema;
}

/** An entry of `GET /datasets`. */
export interface DatasetSummary {
  id: string;
  name: string;
  status: string;
}

export type LogStream = 'stdout' | 'stderr';

export interface LogPage {
  stream: LogStream;
  page: number;
  page_size: number;
  total_lines: number;
  total_pages: number;
  first_line: number;
  lines: string[];
  counts: Record<LogStream, number>;
}

export interface LogSearch {
  matches: number[];
  total_lines: number;
  truncated: boolean;
}

export interface ApiErrorBody {
  error: string;
  field?: string;
  issues?: { field: string; message: string }[];
}

export interface UiConfig {
  temporal_ui_workflow_url: string | null;
}

/** `GET /me`: who the token signs in; all null with authentication off. */
export interface Me {
  auth: boolean;
  user: string | null;
  role: 'user' | 'operator' | 'admin' | null;
}

/** One entry of `GET /approvals`. */
export interface ApprovalItem extends TaskRecord {
  input: unknown;
  resources: { resource: string; dataset_access: string } | null;
}

/** `GET /batches/:id`. */
export interface BatchSummary {
  id: string;
  total: number;
  progress: number;
  counts: Partial<Record<TaskStatus, number>>;
  finished: number;
  tasks: TaskRecord[];
}

/** `POST /tasks/bulk/abort|retry`. */
export interface BulkOutcome {
  accepted: { id: string; retry_id?: string }[];
  refused: { id: string; status: number; error: string }[];
}
