/**
 * The API's types, as the contract (core/contract) defines them: this app never writes its own
 * copy of an answer's shape. Type-only, so none of the contract's schemas reach the bundle.
 */
export type {
  ApprovalItem,
  BatchListItem,
  BatchSummary,
  BulkOutcome,
  DatasetDetail,
  DatasetSummary,
  ErrorBody as ApiErrorBody,
  LogPage,
  LogSearch,
  Me,
  NodeInfo,
  PipelineDetail,
  PipelineSummary,
  ScheduleDetail,
  ScheduleRun,
  ScheduleSummary,
  TaskDetail,
  TaskRecord,
  TaskTypeInfo as TaskType,
  TimelineEntry,
  UiConfig,
} from '../../../core/contract';
export type { TaskGraph } from '../../../core/graph';
export type { LogStream } from '../../../core/logs';

/** A JSON Schema as `GET /task-types` serves it: the subset zod emits for task inputs, which the form reads. */
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
