import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pipelineSegmentId } from '../../core';
import type { PipelineDetail } from '../../core/contract';
import type { TaskGraph } from '../../core/graph';
import { api, startExtraApi, temporalClient, uniqueTag, waitFor } from './helpers';

/**
 * A pipeline of more tasks than one workflow may hold open as children runs through segment
 * workflows (workflows/pipeline.ts). The real limit is 2,000 open children and the segment size
 * 1,000; an API started with TASKDECK_PIPELINE_SEGMENT_TASKS=20 takes the same path with 50 tasks.
 */
const SEGMENT = 20;
const STAGES = 5;
const WIDTH = 10;
let base: string;
let stopApi: () => Promise<unknown>;

beforeAll(async () => {
  ({ base, stop: stopApi } = await startExtraApi({ TASKDECK_PIPELINE_SEGMENT_TASKS: String(SEGMENT) }));
});

afterAll(async () => {
  await stopApi?.();
});

/** Stage s task j waits for tasks j and j + 1 of stage s - 1: every segment's tasks wait for the one before. */
function shape(failing: string): { key: string; type: 'command'; input: { command: string }; depends_on?: string[] }[] {
  const key = (s: number, j: number) => `s${s}-${j}`;
  return Array.from({ length: STAGES * WIDTH }, (_, i) => {
    const s = Math.floor(i / WIDTH);
    const j = i % WIDTH;
    return {
      key: key(s, j),
      type: 'command' as const,
      input: { command: key(s, j) === failing ? 'exit 3' : 'true' },
      ...(s > 0 && { depends_on: [key(s - 1, j), key(s - 1, (j + 1) % WIDTH)] }),
    };
  });
}

/** The keys that can never run once `failing` fails: everything downstream of it. */
function downstreamOf(failing: string, tasks: ReturnType<typeof shape>): Set<string> {
  const blocked = new Set<string>();
  for (const task of tasks) if (task.depends_on?.some((k) => k === failing || blocked.has(k))) blocked.add(task.key);
  return blocked;
}

describe('a pipeline bigger than its segment size', () => {
  it('runs every task through segments of at most that many, across segments upstream first, and fails what follows a failure', async () => {
    const failing = 's1-3';
    const tasks = shape(failing);
    const created = await api<PipelineDetail>('/pipelines', { base, method: 'POST', json: { name: uniqueTag('big'), tasks } });
    expect(created.status).toBe(201);
    const { id } = created.body;
    expect(created.body).toMatchObject({ status: 'running', task_count: tasks.length });
    expect(created.body.edges).toHaveLength((STAGES - 1) * WIDTH * 2);

    const ended = await waitFor(
      'the pipeline to end',
      async () => {
        const { body } = await api<PipelineDetail>(`/pipelines/${id}`, { base });
        const settled = (body.counts.completed ?? 0) + (body.counts.failed ?? 0) + (body.counts.upstream_failed ?? 0);
        return body.status !== 'running' && settled === tasks.length ? body : undefined;
      },
      240_000,
    );
    const blocked = downstreamOf(failing, tasks);
    expect(ended).toMatchObject({ status: 'failed', counts: { failed: 1, upstream_failed: blocked.size, completed: tasks.length - 1 - blocked.size } });

    // Temporal saw no workflow with more than SEGMENT children: the pipeline has its segments, each its tasks.
    const { client, close } = await temporalClient();
    try {
      const childStarts = async (workflowId: string) =>
        ((await client.workflow.getHandle(workflowId).fetchHistory()).events ?? []).filter((e) => e.startChildWorkflowExecutionInitiatedEventAttributes).length;
      const segments = Math.ceil(tasks.length / SEGMENT);
      expect(await childStarts(id)).toBe(segments);
      const perSegment = await Promise.all(Array.from({ length: segments }, (_, i) => childStarts(pipelineSegmentId(id, i))));
      expect(perSegment.every((n) => n <= SEGMENT)).toBe(true);
      expect(perSegment.reduce((a, b) => a + b, 0)).toBe(tasks.length);
    } finally {
      await close();
    }

    // Shown whole: the graph has every task and edge, and an API that did not start the
    // pipeline (the suite's own) reads its shape back from the segments.
    const { body: graph } = await api<TaskGraph>(`/graph?pipeline=${id}`, { base });
    expect(graph.nodes).toHaveLength(tasks.length);
    expect(graph.edges.filter((e) => e.kind === 'depends_on')).toHaveLength((STAGES - 1) * WIDTH * 2);
    const elsewhere = await api<PipelineDetail>(`/pipelines/${id}`);
    expect(elsewhere.body.tasks).toHaveLength(tasks.length);
    expect(elsewhere.body.edges).toHaveLength((STAGES - 1) * WIDTH * 2);
  }, 300_000);
});
