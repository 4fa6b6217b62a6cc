import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ENDPOINTS, openApiDocument, openApiPath } from '../../../core/contract';
import { TASK_TYPE_IDS } from '../../../core';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const withAuth = openApiDocument({ auth: true }) as Json;
const withoutAuth = openApiDocument({ auth: false }) as Json;
const operations = (doc: Json) =>
  Object.entries(ENDPOINTS).map(([name, e]) => ({ name, path: openApiPath(e.path), op: doc.paths[openApiPath(e.path)][e.method] as Json }));

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document, with authentication on and off', async () => {
    for (const doc of [withAuth, withoutAuth]) {
      const result = await new Validator().validate(doc);
      expect(result.errors ?? []).toEqual([]);
      expect(result.valid).toBe(true);
    }
  });

  it('is checked by a validator that does refuse a broken document', async () => {
    const broken = structuredClone(withAuth);
    delete broken.paths['/tasks'].get.responses;
    broken.paths['/tasks'].get.parameters[0].in = 'body';
    expect((await new Validator().validate(broken)).valid).toBe(false);
  });

  it('documents 429 with Retry-After where a token is checked, and nowhere without authentication', () => {
    const secured = operations(withAuth).filter(({ op }) => op.security.length > 0);
    expect(secured.length).toBeGreaterThan(20);
    for (const { name, op } of operations(withAuth)) {
      if (op.security.length > 0) expect(op.responses['429']?.headers, name).toHaveProperty('Retry-After');
      else expect(op.responses['429'], name).toBeUndefined();
    }
    for (const { op } of operations(withoutAuth)) expect(op.responses['429']).toBeUndefined();
  });

  it('has every route of the contract, each answer with a schema, each $ref resolving', () => {
    const schemas = Object.keys(withAuth.components.schemas);
    for (const { name, op } of operations(withAuth)) {
      expect(op.operationId).toBe(name);
      for (const [status, response] of Object.entries(op.responses as Record<string, Json>)) {
        const media = Object.values(response.content ?? {}) as Json[];
        expect(media.length, `${name} ${status} has no content`).toBeGreaterThan(0);
        for (const { schema } of media) expect(schema, `${name} ${status}`).toBeTruthy();
      }
    }
    const refs = [...JSON.stringify(withAuth).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1]);
    expect(refs.filter((ref) => !schemas.includes(ref))).toEqual([]);
  });

  it('documents tokens, 401 and 403 only when authentication is on, and never on /healthz', () => {
    expect(withoutAuth.components.securitySchemes).toBeUndefined();
    for (const { name, op } of operations(withoutAuth)) {
      expect(op.security, name).toEqual([]);
      expect(Object.keys(op.responses), name).not.toContain('401');
      expect(Object.keys(op.responses), name).not.toContain('403');
    }
    for (const { name, op } of operations(withAuth)) {
      if (name === 'health') {
        expect(op.security).toEqual([]);
        expect(Object.keys(op.responses)).not.toContain('401');
      } else {
        expect(op.security.length, name).toBeGreaterThan(0);
        expect(Object.keys(op.responses), name).toContain('401');
      }
    }
    const forbidding = operations(withAuth).filter(({ op }) => '403' in op.responses).map(({ name }) => name);
    expect(forbidding).toEqual(expect.arrayContaining(['startTask', 'abortTask', 'killTask', 'pauseTask', 'resumeTask', 'approveTask', 'rejectTask', 'retryTask', 'startPipeline', 'abortPipeline']));
    const queryToken = operations(withAuth).filter(({ op }) => op.security.some((s: Json) => 'accessToken' in s)).map(({ name }) => name);
    expect(queryToken.sort()).toEqual(['downloadLogs', 'events', 'followLogs']);
  });

  it('documents a 400 wherever input is validated and a 413 wherever a body is read', () => {
    for (const { name, op } of operations(withAuth)) {
      const hasInput = (op.parameters?.length ?? 0) > 0 || op.requestBody;
      if (hasInput) expect(Object.keys(op.responses), name).toContain('400');
      if (op.requestBody) expect(Object.keys(op.responses), name).toContain('413');
    }
  });

  it("links a start's input to its type: a union keyed by type, one Input_<type> each", () => {
    const start = withAuth.components.schemas.StartTask;
    expect(start.discriminator).toEqual({ propertyName: 'type' });
    const variants = start.oneOf as Json[];
    expect(variants.map((v) => v.properties.type.const).sort()).toEqual([...TASK_TYPE_IDS].sort());
    for (const variant of variants) {
      const type = variant.properties.type.const as string;
      const input = variant.properties.input.$ref as string;
      expect(input, type).toMatch(/^#\/components\/schemas\/Input_/);
      expect(withAuth.components.schemas[`Input_${type}`], type).toBeTruthy();
    }
    const reindex = variants.find((v) => v.properties.type.const === 'reindex')!;
    expect(reindex.required).toContain('dataset_id');
    expect(reindex.properties.dataset_id.pattern).toBe('^[a-z0-9][a-z0-9_-]{0,63}$');
    const command = variants.find((v) => v.properties.type.const === 'command')!;
    expect(command.required).not.toContain('dataset_id');
  });

  it('states the ranges and values the server enforces on query parameters', () => {
    const param = (path: string, name: string) => (withAuth.paths[path].get.parameters as Json[]).find((p) => p.name === name)!.schema;
    expect(param('/tasks', 'limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 100, default: 50 });
    expect(param('/tasks', 'within_hours')).toMatchObject({ type: 'integer', minimum: 1, maximum: 336 });
    expect(param('/tasks', 'status').items.enum).toEqual(expect.arrayContaining(['Q', 'R', 'D', 'F', 'C', 'running', 'upstream_failed']));
    expect(param('/graph', 'depth')).toMatchObject({ type: 'integer', minimum: 1, maximum: 20 });
    expect(param('/tasks/{id}/logs', 'page')).toMatchObject({ type: 'integer', minimum: 1 });
    expect(param('/datasets/{id}', 'id').pattern).toBe('^[a-z0-9][a-z0-9_-]{0,63}$');
  });

  it('types the event streams: each event names the schema of its data', () => {
    const events = withAuth.paths['/events'].get.responses['200'].content['text/event-stream'];
    expect(Object.keys(events['x-events'])).toEqual(['hello', 'task', 'resync']);
    expect(events['x-events'].task).toEqual({ $ref: '#/components/schemas/Task' });
  });
});
