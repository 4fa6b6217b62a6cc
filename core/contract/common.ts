import { z } from 'zod';

/**
 * Building blocks of the HTTP contract. Query values arrive as strings; these schemas parse them
 * and say in the OpenAPI document what they really are (an integer in a range, a list), so a
 * client generator or a contract fuzzer sends what the server accepts.
 */

/** JSON Schemas the OpenAPI document shows for a query schema instead of its string form. */
export const QUERY_JSON_SCHEMA = new WeakMap<z.ZodType, Record<string, unknown>>();

/** A whole number given in the query string, within `min`..`max`. */
export function queryInt(
  name: string,
  options: { min: number; max?: number; default?: number; description?: string; tooSmall?: string; tooLarge?: string },
) {
  const { min, max } = options;
  const range = max === undefined ? `${name} must be ${min} or more` : `${name} must be between ${min} and ${max}`;
  let number = z.number().min(min, options.tooSmall ?? range);
  if (max !== undefined) number = number.max(max, options.tooLarge ?? range);
  const parsed = z
    .string()
    .regex(/^-?\d+$/, `${name} must be a whole number`)
    .transform(Number)
    .pipe(number);
  QUERY_JSON_SCHEMA.set(parsed, {
    type: 'integer',
    minimum: min,
    ...(max !== undefined && { maximum: max }),
    ...(options.default !== undefined && { default: options.default }),
    ...(options.description && { description: options.description }),
  });
  return options.default === undefined ? parsed : parsed.default(options.default);
}

/** A query value that may be given once or repeated (`?status=R&status=Q`). */
export function queryList<T extends z.ZodType<string, string>>(item: T) {
  const list = z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .pipe(z.array(item));
  const { $schema: _drop, ...items } = z.toJSONSchema(item, { io: 'input', unrepresentable: 'any' });
  QUERY_JSON_SCHEMA.set(list, { type: 'array', items });
  return list;
}

/** The one error shape of the API: the message, the field at fault, and every issue when there are several. */
export const errorBody = z
  .object({
    error: z.string().describe('What went wrong, naming the field at fault'),
    field: z.string().optional().describe('The request field at fault (`input.command`, `limit`, `(body)`)'),
    issues: z.array(z.strictObject({ field: z.string(), message: z.string() })).optional(),
    holder: z.string().nullable().optional().describe('409 of a busy dataset: the task that holds it'),
    dataset_id: z.string().optional(),
    role: z.string().optional().describe('403: the role of the caller'),
    action: z.string().optional().describe('403: the action refused'),
    hint: z.string().optional(),
    task: z.string().optional(),
  })
  .strict();
export type ErrorBody = z.infer<typeof errorBody>;

/** A path id: a task, batch or pipeline id as given by the client. */
export const idParams = z.strictObject({ id: z.string().min(1).max(1000) });
