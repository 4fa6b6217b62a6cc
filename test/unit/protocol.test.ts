import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pluginActivities } from '../../plugin/src/activities';
import { currentDetails, typeLabel } from '../../plugin/src/labels';
import { progressSignal, taskStateQuery, upstreamDoneSignal, upstreamWatchSignal } from '../../plugin/src/messages';
import { PROGRESS_THROTTLE_MS } from '../../plugin/src/progressThrottle';
import { SA } from '../../plugin/src/searchAttributes';
import { STATUS_LABEL, TASK_STATUSES, isFinished, taskStatusOf, type TaskStatus } from '../../plugin/src/statuses';
import { MEMO_KEYS, type TaskState } from '../../plugin/src/types';

/**
 * The TypeScript plugin against the written protocol (plugin/protocol.json, explained in
 * docs/plugin-protocol.md). The Python plugin's tests read the same file, so the two agree.
 */
const protocol = JSON.parse(readFileSync(resolve(__dirname, '../../plugin/protocol.json'), 'utf8')) as {
  statuses: string[];
  finished: string[];
  status_labels: Record<string, string>;
  search_attributes: Record<string, { name: string; type: string }>;
  memo_keys: string[];
  progress_signal: string;
  state_query: string;
  upstream_watch_signal: string;
  upstream_done_signal: string;
  inspect_upstream_activity: string;
  progress_throttle_ms: number;
  state_fields: string[];
  execution_status_mapping: { execution: string; attribute: string | null; status: string }[];
  type_labels: Record<string, string>;
  current_details_examples: { status: TaskStatus; progress: number; message: string | null; error: { step: string; message: string } | null; details: string }[];
};

describe('the TypeScript plugin follows the protocol', () => {
  it('has its statuses, which of them are finished, and their labels', () => {
    expect([...TASK_STATUSES]).toEqual(protocol.statuses);
    expect(TASK_STATUSES.filter(isFinished)).toEqual(protocol.finished);
    expect(STATUS_LABEL).toEqual(protocol.status_labels);
  });

  it('has its search attributes, by name and type', () => {
    const snake = (key: string) => key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    const ours = Object.fromEntries(Object.entries(SA).map(([key, attribute]) => [snake(key), { name: attribute.name, type: attribute.type }]));
    expect(ours).toEqual(protocol.search_attributes);
  });

  it('has its memo keys, message names, activity name, throttle and state fields', () => {
    expect([...MEMO_KEYS]).toEqual(protocol.memo_keys);
    expect([progressSignal.name, taskStateQuery.name, upstreamWatchSignal.name, upstreamDoneSignal.name]).toEqual([
      protocol.progress_signal,
      protocol.state_query,
      protocol.upstream_watch_signal,
      protocol.upstream_done_signal,
    ]);
    expect(Object.keys(pluginActivities())).toEqual([protocol.inspect_upstream_activity]);
    expect(PROGRESS_THROTTLE_MS).toBe(protocol.progress_throttle_ms);
    // Every field of the state's type, no more (the compiler checks the object covers the type).
    const fields = {
      task_type: true,
      status: true,
      input: true,
      meta: true,
      timeline: true,
      progress: true,
      message: true,
      started_at: true,
      finished_at: true,
      paused_ms: true,
      paused_at: true,
      error: true,
      approval: true,
      result: true,
      exit_code: true,
    } satisfies Record<keyof TaskState, true>;
    expect(Object.keys(fields)).toEqual(protocol.state_fields);
  });

  it('maps execution statuses as the protocol says', () => {
    for (const row of protocol.execution_status_mapping) {
      expect(taskStatusOf(row.execution, row.attribute ?? undefined), JSON.stringify(row)).toBe(row.status);
    }
  });

  it('labels workflow types and writes current details as the protocol says', () => {
    for (const [type, label] of Object.entries(protocol.type_labels)) expect(typeLabel(type), type).toBe(label);
    for (const example of protocol.current_details_examples) expect(currentDetails(example)).toBe(example.details);
  });
});
