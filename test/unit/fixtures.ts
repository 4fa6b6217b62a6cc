import { TypedSearchAttributes } from '@temporalio/common';
import { toTaskRecord } from '../../api/taskRecord';
import type { TaskRecord } from '../../core/contract';

export const NOW = Date.parse('2025-06-15T12:00:00.000Z');
export const HOUR = 3600 * 1000;

/**
 * A task row created `hoursAgo` before NOW, made by the same mapping as the API's rows (a workflow
 * no Taskdeck attribute was set on yet: a pending command); override any field.
 */
export function record(overrides: Partial<TaskRecord> & { id: string }, hoursAgo = 1): TaskRecord {
  const base = toTaskRecord({
    workflowId: overrides.id,
    runId: `run-${overrides.id}`,
    type: 'command',
    status: { name: 'RUNNING', code: 1 },
    startTime: new Date(NOW - hoursAgo * HOUR),
    closeTime: undefined,
    memo: {},
    typedSearchAttributes: new TypedSearchAttributes(),
  });
  return { ...base, ...overrides };
}
