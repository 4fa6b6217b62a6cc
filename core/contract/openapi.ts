import { z } from 'zod';
import { TASK_TYPES } from '../taskTypes';
import { QUERY_JSON_SCHEMA, errorBody } from './common';
import { openApiPath } from './endpoints';
import { ROUTES, type Reply, type Route } from './routes';
import { batchSummary, bulkBody, bulkOutcome } from './batches';
import { taskGraph } from './graph';
import { pipelineDetail, pipelineSummary } from './pipelines';
import { abortAnswer, approvalBody, startTaskBody, taskDetail, taskRecord } from './tasks';

type JsonSchema = Record<string, unknown>;

/** What the document depends on in this deployment. */
export interface OpenApiOptions {
  /** Authentication on: tokens, 401 and 403 are documented where they apply. */
  auth: boolean;
  version?: string;
}

const ref = (name: string): JsonSchema => ({ $ref: `#/components/schemas/${name}` });
const pascal = (name: string): string => name[0].toUpperCase() + name.slice(1);

/** Shared schemas, named once in `components`; everything else is named after its route. */
const SHARED_RESPONSES: [string, z.ZodType][] = [
  ['Task', taskRecord],
  ['AbortAnswer', abortAnswer],
  ['TaskDetail', taskDetail],
  ['TaskGraph', taskGraph],
  ['Pipeline', pipelineSummary],
  ['PipelineDetail', pipelineDetail],
  ['BatchSummary', batchSummary],
  ['BulkOutcome', bulkOutcome],
  ['Error', errorBody],
];

/**
 * Builds components from zod schemas: every registered schema becomes a named component and
 * references to it become `$ref`s. Query strings are shown as what they carry (integers, lists).
 */
function components(entries: [string, z.ZodType][], io: 'input' | 'output'): Record<string, JsonSchema> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of entries) if (!registry.has(schema)) registry.add(schema, { id });
  const { schemas } = z.toJSONSchema(registry, {
    io,
    unrepresentable: 'any',
    uri: (id) => `#/components/schemas/${id}`,
    override: overrideQuery,
  }) as { schemas: Record<string, JsonSchema> };
  return Object.fromEntries(Object.entries(schemas).map(([id, { $schema: _s, $id: _i, ...rest }]) => [id, rest]));
}

/**
 * What zod cannot say in JSON Schema by itself: a query string's real type (an integer, a list),
 * and that a trimmed string must not be blank (`.trim().min(1)` refuses "  ").
 */
function overrideQuery(ctx: { zodSchema: unknown; jsonSchema: JsonSchema }): void {
  const shown = QUERY_JSON_SCHEMA.get(ctx.zodSchema as z.ZodType);
  if (shown) {
    for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
    Object.assign(ctx.jsonSchema, shown);
    return;
  }
  if (ctx.jsonSchema.type === 'string' && Number(ctx.jsonSchema.minLength) >= 1 && isTrimmed(ctx.zodSchema)) {
    const pattern = ctx.jsonSchema.pattern as string | undefined;
    // Not blank, besides any pattern of its own: a lookahead at the pattern's start.
    ctx.jsonSchema.pattern = pattern === undefined ? '\\S' : pattern.startsWith('^') ? `^(?=[\\s\\S]*\\S)${pattern.slice(1)}` : `(?=[\\s\\S]*\\S)${pattern}`;
  }
}

function isTrimmed(schema: unknown): boolean {
  const checks = (schema as { _zod?: { def?: { checks?: { _zod?: { def?: { check?: string } } }[] } } })._zod?.def?.checks ?? [];
  return checks.some((check) => check._zod?.def?.check === 'overwrite');
}

function inline(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any', override: overrideQuery }) as JsonSchema;
  return rest;
}

/** Path or query parameters, one per property of a zod object schema. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = inline(schema) as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || (json.required?.includes(name) ?? false),
      schema: rest,
      ...(description !== undefined && { description }),
      // A list is sent as the parameter repeated: `?status=R&status=Q`.
      ...(rest.type === 'array' && { style: 'form', explode: true }),
    };
  });
}

const errorReply = (description: string) => ({ description, content: { 'application/json': { schema: ref('Error') } } });

/** The OpenAPI 3.1 document of the API, generated from the contract that also validates requests. */
export function openApiDocument(options: OpenApiOptions): JsonSchema {
  const names = new Map<z.ZodType, string>();
  const responseEntries: [string, z.ZodType][] = [...SHARED_RESPONSES];
  const requestEntries: [string, z.ZodType][] = [];
  // Each task type's input is a component of its own; aliases share their original's.
  for (const type of Object.values(TASK_TYPES)) if (!requestEntries.some(([, s]) => s === type.input)) requestEntries.push([`Input_${type.id}`, type.input]);
  requestEntries.push(['StartTask', startTaskBody], ['BulkBody', bulkBody], ['Approval', approvalBody]);
  for (const [id, schema] of responseEntries) names.set(schema, id);
  for (const r of ROUTES) {
    if (r.body && !requestEntries.some(([, s]) => s === r.body)) requestEntries.push([`${pascal(r.name)}Body`, r.body]);
    for (const [status, reply] of Object.entries(r.replies)) {
      if ('json' in reply && !names.has(reply.json)) {
        const id = `${pascal(r.name)}${status === '200' ? '' : status}Reply`;
        names.set(reply.json, id);
        responseEntries.push([id, reply.json]);
      }
      if ('events' in reply) {
        for (const [event, schema] of Object.entries(reply.events)) {
          if (!names.has(schema)) {
            const id = `${pascal(r.name)}${pascal(event)}Event`;
            names.set(schema, id);
            responseEntries.push([id, schema]);
          }
        }
      }
    }
  }
  const schemas = { ...components(requestEntries, 'input'), ...components(responseEntries, 'output') };
  // Client generators pick the variant of a start by its type.
  schemas.StartTask = { ...schemas.StartTask, discriminator: { propertyName: 'type' } };
  // Aliases of task types: their input is their original's.
  for (const type of Object.values(TASK_TYPES)) schemas[`Input_${type.id}`] ??= ref(requestEntries.find(([, s]) => s === type.input)![0]);
  const requestName = (schema: z.ZodType): string => requestEntries.find(([, s]) => s === schema)![0];

  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const r of ROUTES) {
    (paths[openApiPath(r.path)] ??= {})[r.method] = operation(r, options, names, requestName);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Taskdeck API',
      version: options.version ?? '0.1.0',
      description: `Background tasks as Temporal workflows. Authentication is ${options.auth ? 'on: send Authorization: Bearer <token>' : 'off in this deployment'}.`,
    },
    paths,
    components: {
      schemas,
      ...(options.auth && {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'An API token of TASKDECK_AUTH_TOKENS or TASKDECK_AUTH_FILE' },
          accessToken: {
            type: 'apiKey',
            in: 'query',
            name: 'access_token',
            description: 'The same token, on the routes a browser opens without headers (EventSource, download links)',
          },
        },
      }),
    },
  };
}

function operation(r: Route, options: OpenApiOptions, names: Map<z.ZodType, string>, requestName: (s: z.ZodType) => string): JsonSchema {
  const responses: Record<string, JsonSchema> = {};
  for (const [status, reply] of Object.entries(r.replies)) responses[status] = successReply(reply, names);
  if (r.params || r.query || r.body) responses[400] = errorReply(r.errors?.[400] ?? 'Bad input: `error` and `field` name what is wrong');
  const secured = options.auth && r.auth !== 'public';
  if (secured) responses[401] = errorReply('Missing or unknown token');
  if (secured && r.errors?.[403]) responses[403] = errorReply(r.errors[403]);
  if (r.errors?.[404]) responses[404] = errorReply(r.errors[404]);
  if (r.errors?.[409]) responses[409] = errorReply(r.errors[409]);
  if (r.body) responses[413] = errorReply('The body is larger than 1 MB');
  responses[500] = errorReply('An unexpected error; the API log has it');
  if (r.temporal !== false && !responses[503]) responses[503] = errorReply('Temporal does not answer, or the task list is still loading from it');
  return {
    operationId: r.name,
    summary: r.summary,
    ...(r.description && { description: r.description }),
    parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
    ...(r.body && {
      requestBody: { required: !r.body.safeParse(undefined).success, content: { 'application/json': { schema: ref(requestName(r.body)) } } },
    }),
    responses,
    security: !secured ? [] : r.auth === 'token-or-query' ? [{ bearer: [] }, { accessToken: [] }] : [{ bearer: [] }],
  };
}

function successReply(reply: Reply, names: Map<z.ZodType, string>): JsonSchema {
  if ('json' in reply) {
    return {
      description: reply.description,
      ...(reply.headers && { headers: Object.fromEntries(Object.entries(reply.headers).map(([h, spec]) => [h, { description: spec.description, schema: spec.schema }])) }),
      content: { 'application/json': { schema: ref(names.get(reply.json)!) } },
    };
  }
  if ('events' in reply) {
    const events = Object.keys(reply.events);
    return {
      description: `${reply.description}. Server-sent events: ${events.map((e) => `\`${e}\``).join(', ')}; the data of each is JSON, described in \`x-events\``,
      content: {
        'text/event-stream': {
          schema: { type: 'string', description: 'A text/event-stream: `event: <name>` and `data: <JSON>` lines, blank-line separated' },
          'x-events': Object.fromEntries(Object.entries(reply.events).map(([event, schema]) => [event, ref(names.get(schema)!)])),
        },
      },
    };
  }
  return { description: reply.description, content: { [reply.file]: { schema: { type: 'string' } } } };
}
