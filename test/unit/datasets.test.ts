import { describe, expect, it } from 'vitest';
import { TASK_TYPES, blockReason, datasetStatus, type DatasetAccess, type DatasetHolder } from '../../core';

const holder: DatasetHolder = { task_id: 'enrich-1', task_type: 'enrichment', since: '2025-01-01T00:00:00Z' };
const accessOf = (type: keyof typeof TASK_TYPES): DatasetAccess => TASK_TYPES[type].access;
const blocked = (holders: DatasetHolder[], indexed: boolean, type: keyof typeof TASK_TYPES): boolean =>
  blockReason({ holders, indexed }, { task_id: 'new', access: accessOf(type) }) !== undefined;

describe('the concurrency table of visual-layer-task-manager.md', () => {
  const modifying = ['media_addition', 'reindex', 'snapshot_create', 'snapshot_restore', 'snapshot_clone', 'enrichment', 'label_propagation', 'custom_metadata'] as const;
  const neverBlocked = ['model_training', 'model_validation', 'training', 'evaluation', 'synthesis'] as const;

  it('Ready: all operations', () => {
    for (const type of [...modifying, ...neverBlocked]) expect(blocked([], true, type)).toBe(false);
    expect(datasetStatus({ holders: [], indexed: true })).toBe('ready');
  });

  it('Read Only: every data-modifying operation is blocked and names the holder; training and validation are not', () => {
    for (const type of modifying) {
      expect(blockReason({ holders: [holder], indexed: true }, { task_id: 'new', access: accessOf(type) })).toMatchObject({ holder: 'enrich-1' });
    }
    for (const type of neverBlocked) expect(blocked([holder], true, type)).toBe(false);
    expect(datasetStatus({ holders: [holder], indexed: true })).toBe('read_only');
  });

  it('Partial Index: add media, re-index, snapshots allowed; enrichment, label propagation, custom metadata blocked', () => {
    for (const type of ['media_addition', 'reindex', 'snapshot_create', 'snapshot_restore', 'snapshot_clone'] as const) expect(blocked([], false, type)).toBe(false);
    for (const type of ['enrichment', 'label_propagation', 'custom_metadata'] as const) {
      expect(blockReason({ holders: [], indexed: false }, { task_id: 'new', access: accessOf(type) })?.message).toMatch(/Partial Index/);
    }
    expect(datasetStatus({ holders: [], indexed: false })).toBe('partial_index');
  });

  it('a holder asking again is not blocked by itself (the task re-acquires what the API took for it)', () => {
    expect(blockReason({ holders: [holder], indexed: true }, { task_id: 'enrich-1', access: 'write_indexed' })).toBeUndefined();
  });

  it('GPU-bound: dataset creation and training', () => {
    for (const type of ['dataset_creation', 'dataset_upload', 'model_training', 'training'] as const) expect(TASK_TYPES[type].resource).toBe('gpu');
  });
});
