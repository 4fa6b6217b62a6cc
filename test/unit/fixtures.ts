import type { TaskRecord } from '../../core/contract';

export const NOW = Date.parse('2025-06-15T12:00:00.000Z');
export const HOUR = 3600 * 1000;

/** A task row created `hoursAgo` before NOW; override any field. */
export function record(overrides: Partial<TaskRecord> & { id: string }, hoursAgo = 1): TaskRecord {
  return {
    task_type: 'command',
    task_status: 'Q',
    tag: null,
    created_at: new Date(NOW - hoursAgo * HOUR).toISOString(),
    end_date: null,
    name: null,
    status: 'pending',
    progress: 0,
    message: null,
    dataset: null,
    dataset_id: null,
    user: null,
    started_at: null,
    duration_ms: null,
    error: null,
    failed_step: null,
    exit_code: null,
    retry_of: null,
    batch_id: null,
    triggered_by: null,
    depends_on: [],
    pipeline_id: null,
    run_id: `run-${overrides.id}`,
    paused_ms: 0,
    paused_at: null,
    ...overrides,
  };
}
