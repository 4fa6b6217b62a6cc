import type { Client } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import type { PipelineRecord } from '../../api/pipelineRecord';
import { PipelineService } from '../../api/pipelineService';
import { TaskIndex } from '../../api/taskIndex';
import type { TaskService } from '../../api/taskService';
import type { TaskStatus } from '../../core';
import { record } from './fixtures';

const S = 1000;
const KEYS = ['fetch', 'load'];

/** A pipeline run of two tasks, fetch then load, created `minutesAgo`; its tasks took `seconds` each when they completed. */
function run(id: string, minutesAgo: number, status: 'running' | 'completed', seconds: number) {
  const created = Date.now() - minutesAgo * 60 * S;
  const pipeline: PipelineRecord = {
    id,
    name: 'nightly',
    status,
    created_at: new Date(created).toISOString(),
    end_date: status === 'completed' ? new Date(created + 2 * seconds * S).toISOString() : null,
    user: null,
    tag: null,
    group: null,
    schedule_id: null,
    task_count: KEYS.length,
    run_id: `run-${id}`,
    trigger_time: new Date(created).toISOString(),
    started_at: new Date(created).toISOString(),
  };
  const tasks = KEYS.map((key, i) => {
    const taskStatus: TaskStatus = status === 'completed' ? 'completed' : i === 0 ? 'running' : 'pending';
    const started = created + i * seconds * S;
    return record({
      id: `${id}-${key}`,
      name: key,
      pipeline_id: id,
      status: taskStatus,
      created_at: new Date(created + i).toISOString(),
      started_at: taskStatus === 'pending' ? null : new Date(started).toISOString(),
      end_date: taskStatus === 'completed' ? new Date(started + seconds * S).toISOString() : null,
    });
  });
  return { pipeline, tasks, shape: { tasks: KEYS.map((key) => ({ key, id: `${id}-${key}` })), edges: [{ source: `${id}-fetch`, target: `${id}-load` }] } };
}

describe('the expected end of a running pipeline', () => {
  it('reads its earlier runs once for many polls, and again when one of them ends', async () => {
    const index = new TaskIndex({ workflow: { list: async function* () {}, count: async () => ({ count: 0 }) } } as unknown as Client, { pollMs: 3600_000, checkMs: 24 * 3600_000 });
    index.start();
    await index.whenReady();
    const service = new PipelineService({} as Client, 'default', 'q', index, {} as TaskService, 1000);
    const add = (r: ReturnType<typeof run>) => {
      index.putPipeline(r.pipeline);
      for (const task of r.tasks) index.put(task);
      (service as unknown as { shapes: Map<string, unknown> }).shapes.set(r.pipeline.id, r.shape);
    };
    const first = run('first', 30, 'completed', 60);
    const second = run('second', 20, 'running', 60);
    const current = run('current', 1, 'running', 60);
    [first, second, current].forEach(add);
    const reads = new Map<string, number>();
    const group = index.group.bind(index);
    index.group = (field, value) => {
      reads.set(value, (reads.get(value) ?? 0) + 1);
      return group(field, value);
    };

    const polls = [];
    for (let i = 0; i < 5; i++) polls.push(await service.detail('current'));
    // fetch started a minute ago and takes a minute; load a minute after it.
    expect(polls.every((p) => p.expected_end?.earlier_runs === 2)).toBe(true);
    expect(Date.parse(polls[0].expected_end!.at)).toBeGreaterThan(Date.now() + 55 * S);
    expect(reads.get('first')).toBe(1);
    expect(reads.get('current')).toBe(5);

    // The second run ends, its tasks took 3 minutes each: the median of the two runs moves.
    add(run('second', 20, 'completed', 180));
    const after = await service.detail('current');
    expect(reads.get('first')).toBe(2);
    expect(Date.parse(after.expected_end!.at)).toBeGreaterThan(Date.parse(polls[4].expected_end!.at) + 100 * S);
    await index.stop();
  });
});
