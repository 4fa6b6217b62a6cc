import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../core/contract';
import { api } from './helpers';

describe('service routes', () => {
  it('GET /healthz reports Temporal reachable and the index polling', async () => {
    const res = await api<{ ok: boolean; temporal: string; index: { polls: number } }>('/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ ok: true, temporal: 'ok' });
    expect(res.body.index.polls).toBeGreaterThan(0);
  });

  it('GET /task-types serves the catalog with each input as JSON Schema', async () => {
    const res = await api<{ id: string; modifies_data: boolean; resource: string; input_schema: { properties: Record<string, unknown>; required: string[] } }[]>('/task-types');
    const command = res.body.find((t) => t.id === 'command')!;
    expect(command).toMatchObject({ modifies_data: false, resource: 'cpu' });
    expect(Object.keys(command.input_schema.properties)).toEqual(expect.arrayContaining(['command', 'cwd', 'env', 'timeout_seconds']));
    expect(command.input_schema.required).toEqual(['command']);
  });

  it('GET /config gives the web app its Temporal Web UI link template', async () => {
    const res = await api<{ temporal_ui_workflow_url: string }>('/config');
    expect(res.body.temporal_ui_workflow_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/namespaces\/default\/workflows\/\{id\}\/\{run_id\}\/history$/);
  });

  it('GET /task-types lists every task type of the seeds with a described input schema for the form', async () => {
    type Entry = { id: string; label: string; source: string; dataset_access: string; resource: string; alias_of: string | null; input_schema: { properties?: Record<string, { description?: string }> } };
    // The catalog's own types; workflow types the plugin tracks follow them (other tests run some).
    const types = (await api<Entry[]>('/task-types')).body.filter((t) => t.source === 'catalog');
    const ids = types.map((t) => t.id);
    expect(ids).toEqual(expect.arrayContaining([
      'dataset_creation', 'media_addition', 'reindex', 'enrichment', 'label_propagation', 'model_training', 'model_validation',
      'custom_metadata', 'snapshot_create', 'snapshot_restore', 'snapshot_clone',
      'model_upload', 'dataset_upload', 'training', 'evaluation', 'synthesis', 'command',
    ]));
    for (const type of types) {
      for (const [field, property] of Object.entries(type.input_schema.properties ?? {})) {
        expect(property.description, `${type.id}.${field}`).toBeTruthy();
      }
    }
    expect(types.find((t) => t.id === 'training')).toMatchObject({ alias_of: 'model_training', resource: 'gpu', dataset_access: 'read' });
    expect(types.find((t) => t.id === 'enrichment')).toMatchObject({ dataset_access: 'write_indexed', resource: 'cpu' });
  });

  it('GET /openapi.json serves the contract for this deployment (authentication off)', async () => {
    const res = await api('/openapi.json');
    expect(res.body).toEqual(openApiDocument({ auth: false }));
  });

  it('answers unknown routes with a JSON 404', async () => {
    const res = await api<{ error: string }>('/nope', { headers: { accept: 'application/json' } });
    expect(res.status).toBe(404);
    expect(res.body.error).toContain('/nope');
  });
});
