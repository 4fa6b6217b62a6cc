import { z } from 'zod';
import { DATASET_ACCESS, isExclusive } from '../datasets';
import { typeLabel } from '../../plugin/src/labels';
import { TASK_TYPES } from '../taskTypes';
import { ROLES } from '../roles';
import { taskRecord } from './tasks';

/**
 * An entry of `GET /task-types`: a catalog type with its input as JSON Schema, for forms, or a
 * workflow type of someone's own worker that the plugin made a task (it cannot be started here).
 */
export const taskTypeInfo = z.strictObject({
  id: z.string(),
  label: z.string(),
  description: z.string(),
  source: z.enum(['catalog', 'plugin']).describe('catalog: Taskdeck starts it; plugin: a workflow of your own worker, seen in the window'),
  modifies_data: z.boolean(),
  dataset_access: z.enum(DATASET_ACCESS),
  dataset: z.enum(['existing', 'new', 'none']).describe('Whether a start names an existing dataset, a new one, or none'),
  resource: z.enum(['cpu', 'gpu']).nullable().describe('null for a plugin type: its worker decides'),
  alias_of: z.string().nullable(),
  input_schema: z.record(z.string(), z.unknown()).nullable().describe('JSON Schema of the input; null for a plugin type'),
});
export type TaskTypeInfo = z.infer<typeof taskTypeInfo>;

/** `GET /me`: who the token signs in; all null with authentication off. */
export const me = z.strictObject({ auth: z.boolean(), user: z.string().nullable(), role: z.enum(ROLES).nullable() });
export type Me = z.infer<typeof me>;

/** `GET /config`: what the web app needs to know of this deployment. */
export const uiConfig = z.strictObject({
  temporal_ui_workflow_url: z.string().nullable().describe('Link template into the Temporal Web UI, with {id} and {run_id}; null without one'),
});
export type UiConfig = z.infer<typeof uiConfig>;

/** `GET /healthz`. */
export const health = z.strictObject({
  ok: z.boolean(),
  temporal: z.string().describe('ok, or why Temporal does not answer'),
  index: z.strictObject({
    tasks: z.number().int(),
    visibilityCalls: z.number().int(),
    polls: z.number().int(),
    lastPollAt: z.string().nullable(),
    lastError: z.string().nullable(),
    checks: z.number().int().describe("Counts of the window compared with visibility's"),
    repairs: z.number().int().describe('Checks that found a difference (a deletion, a missed change) and repaired it'),
    repairListedRows: z.number().int().describe('Rows those repairs listed: the size of the damage, not of the window'),
    repairVisibilityCalls: z.number().int().describe('Visibility calls those repairs made (counts and list pages), among visibilityCalls'),
    snapshotRows: z.number().int().nullable().describe('Rows loaded from the snapshot at start; null when the window was listed'),
    readyMs: z.number().int().nullable().describe('From the start of the process until the window was loaded'),
  }),
  event_clients: z.number().int(),
  memory_mb: z.strictObject({ rss: z.number().int(), heap_used: z.number().int() }),
});

/** The events of `GET /events`. */
export const taskEvents = {
  hello: z.strictObject({ last_event_id: z.string().describe('Send it back as Last-Event-ID when reconnecting') }),
  task: taskRecord,
  resync: z.strictObject({}).describe('Events were missed: fetch again'),
};

/** The catalog as `GET /task-types` serves it, and after it the plugin's types seen in the window. */
export function taskTypeCatalog(pluginTypes: Iterable<string> = []): TaskTypeInfo[] {
  const catalog = Object.values(TASK_TYPES).map((t): TaskTypeInfo => {
    const { $schema: _drop, ...inputSchema } = z.toJSONSchema(t.input, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
    return {
      id: t.id,
      label: t.label,
      description: t.description,
      modifies_data: isExclusive(t.access),
      dataset_access: t.access,
      dataset: t.dataset,
      resource: t.resource,
      source: 'catalog',
      alias_of: 'aliasOf' in t ? t.aliasOf : null,
      input_schema: inputSchema,
    };
  });
  const known = new Set<string>(catalog.map((t) => t.id));
  const plugin = [...new Set(pluginTypes)]
    .filter((id) => !known.has(id))
    .sort()
    .map(
      (id): TaskTypeInfo => ({
        id,
        label: typeLabel(id),
        description: 'A workflow of your own worker, tracked by the Taskdeck plugin',
        source: 'plugin',
        modifies_data: false,
        dataset_access: 'none',
        dataset: 'none',
        resource: null,
        alias_of: null,
        input_schema: null,
      }),
    );
  return [...catalog, ...plugin];
}
