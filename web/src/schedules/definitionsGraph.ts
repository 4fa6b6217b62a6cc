import type { GraphNode, TaskGraph } from '../../../core/graph';
import type { TaskStatus } from '../../../core/statuses';
import type { ScheduleSummary, TaskRecord } from '../api/types';

/** The definitions graph and where a click on each of its nodes leads. */
export interface DefinitionsGraph {
  graph: TaskGraph;
  links: ReadonlyMap<string, string>;
}

type Run = { status: string; trigger_time: string; started_at: string | null; end_date: string | null; id: string } | null | undefined;

/**
 * Task definitions as a graph: one node per scheduled task, and per task of a scheduled pipeline
 * (its edges between them), each showing its latest run's status. A click opens that run, or the
 * schedule when it never ran. Drawn with the dependency graph's own component and layout.
 */
export function definitionsGraph(schedules: readonly ScheduleSummary[], pipelineTasks: ReadonlyMap<string, readonly TaskRecord[]>): DefinitionsGraph {
  const nodes: GraphNode[] = [];
  const edges: TaskGraph['edges'] = [];
  const links = new Map<string, string>();
  const add = (id: string, name: string, type: string, run: Run, schedule: ScheduleSummary, link: string | undefined) => {
    const duration = run?.started_at && run.end_date ? Date.parse(run.end_date) - Date.parse(run.started_at) : null;
    nodes.push({
      id,
      name,
      task_type: type,
      status: (run?.status ?? 'pending') as TaskStatus,
      progress: run?.status === 'completed' ? 100 : 0,
      message: run ? null : 'No run yet',
      created_at: run?.trigger_time ?? schedule.created_at,
      started_at: run?.started_at ?? null,
      end_date: run?.end_date ?? null,
      duration_ms: duration,
      dataset: null,
      dataset_id: null,
      pipeline_id: null,
      batch_id: null,
      schedule_id: null,
      error: null,
      blocked_by: [],
      critical: false,
    });
    links.set(id, link ?? `/schedules/${encodeURIComponent(schedule.id)}`);
  };
  for (const schedule of schedules) {
    const last = schedule.last_run;
    if (schedule.action.kind === 'task') {
      add(`def:${schedule.id}`, schedule.name, schedule.action.workflow_type, last, schedule, last ? `/tasks/${encodeURIComponent(last.id)}` : undefined);
      continue;
    }
    const runTasks = last ? (pipelineTasks.get(last.id) ?? []) : [];
    for (const task of schedule.action.tasks) {
      const run = runTasks.find((r) => r.name === task.key);
      const id = `def:${schedule.id}/${task.key}`;
      add(id, task.key, task.type, run && { ...run, trigger_time: run.trigger_time }, schedule, run ? `/tasks/${encodeURIComponent(run.id)}` : undefined);
      for (const upstream of task.depends_on) edges.push({ source: `def:${schedule.id}/${upstream}`, target: id, kind: 'depends_on', critical: false });
    }
  }
  return { graph: { nodes, edges, groups: [], critical_path: { task_ids: [], duration_ms: 0 }, truncated: false }, links };
}
