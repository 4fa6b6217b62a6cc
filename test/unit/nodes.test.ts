import { describe, expect, it } from 'vitest';
import { parseMemoryMb, tryGrant, waitingMessage, neverFits, type AllocatorState, type NodeRecord } from '../../core';

const node = (name: string, cores: number, memory_mb: number, gpus: number[] = [], alive = true): NodeRecord => ({
  name,
  cores,
  memory_mb,
  gpus,
  task_queues: [`q@${name}`],
  alive,
  joined_at: '2026-11-30T00:00:00.000Z',
  lost_at: null,
});
const AT = '2026-11-30T01:00:00.000Z';

describe('parseMemoryMb', () => {
  it.each([
    ['512MB', 512],
    ['2GB', 2048],
    ['1.5G', 1536],
    ['512', 512],
    [' 64 mb ', 64],
    ['1TiB', 1024 * 1024],
  ])('reads %s as %i MB', (text, mb) => expect(parseMemoryMb(text)).toBe(mb));

  it.each(['12XB', '', 'MB', '-5MB', '0', '0.1MB'])('refuses %j', (text) => expect(parseMemoryMb(text)).toBeUndefined());
});

describe('tryGrant', () => {
  const state = (): AllocatorState => ({ nodes: { a: node('a', 2, 1024, [0, 1]), b: node('b', 4, 512) }, holders: [], waiting: [] });

  it('picks the live node with the most free cores, and the lowest free cores there', () => {
    const s = state();
    expect(tryGrant(s, { task_id: 't1', cpu_cores: 2 }, AT)).toMatchObject({ node: 'b', cores: [0, 1] });
    s.holders.push(tryGrant(s, { task_id: 't1', cpu_cores: 3 }, AT)!);
    expect(tryGrant(s, { task_id: 't2', cpu_cores: 2 }, AT)).toMatchObject({ node: 'a', cores: [0, 1] });
    expect(tryGrant(s, { task_id: 't3', cpu_cores: 1, target_node: 'b' }, AT)).toMatchObject({ node: 'b', cores: [3] });
  });

  it('never grants a core, memory or GPU twice, and nothing on a node that is down', () => {
    const s = state();
    s.holders.push(tryGrant(s, { task_id: 't1', target_node: 'a', cpu_cores: 2, gpu_ids: [1] }, AT)!);
    expect(tryGrant(s, { task_id: 't2', target_node: 'a', cpu_cores: 1 }, AT)).toBeUndefined();
    expect(tryGrant(s, { task_id: 't3', gpu_ids: [1] }, AT)).toBeUndefined();
    expect(tryGrant(s, { task_id: 't4', gpu_count: 1 }, AT)).toMatchObject({ node: 'a', gpus: [0] });
    expect(tryGrant(s, { task_id: 't5', memory_mb: 600 }, AT)).toMatchObject({ node: 'a' });
    s.nodes.a = { ...s.nodes.a, alive: false };
    expect(tryGrant(s, { task_id: 't6', memory_mb: 600 }, AT)).toBeUndefined();
  });

  it('holds an exclusive slot for one task at a time, on no node and even with none up', () => {
    const s: AllocatorState = { nodes: {}, holders: [], waiting: [] };
    s.holders.push(tryGrant(s, { task_id: 't1', exclusive: 'GPU' }, AT)!);
    expect(s.holders[0]).toMatchObject({ node: '', exclusive: 'GPU' });
    expect(tryGrant(s, { task_id: 't2', exclusive: 'GPU' }, AT)).toBeUndefined();
  });
});

describe('what a task is told', () => {
  it('says why it waits', () => {
    const s: AllocatorState = { nodes: { a: node('a', 2, 1024), b: node('b', 2, 1024, [], false) }, holders: [], waiting: [] };
    expect(waitingMessage(s, { task_id: 't', cpu_cores: 1, target_node: 'a' }, 0)).toBe('Waiting for 1 core on a');
    expect(waitingMessage(s, { task_id: 't', cpu_cores: 2, memory_mb: 64 }, 3)).toBe('Waiting for 2 cores, 64 MB (3 ahead)');
    expect(waitingMessage(s, { task_id: 't', target_node: 'b' }, 0)).toBe('Node b is down; waiting for it to come back');
    expect(waitingMessage(s, { task_id: 't', target_node: 'c' }, 0)).toBe('Waiting for node c to join');
    expect(waitingMessage(s, { task_id: 't', exclusive: 'GPU' }, 2)).toBe('Waiting for the GPU, 2 ahead');
  });

  it('names what a node can never give', () => {
    expect(neverFits(node('a', 2, 1024, [0]), { cpu_cores: 3 })).toEqual({ field: 'cpu_cores', reason: 'a has 2 cores' });
    expect(neverFits(node('a', 2, 1024, [0]), { memory_mb: 2048 })).toEqual({ field: 'memory', reason: 'a has 1024 MB' });
    expect(neverFits(node('a', 2, 1024, [0]), { gpu_ids: [0, 3] })).toEqual({ field: 'gpu_ids', reason: 'a has no GPU 3' });
    expect(neverFits(node('a', 2, 1024, [0]), { cpu_cores: 2, gpu_count: 1 })).toBeUndefined();
  });
});
