import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'react-router';
import { api, errorMessage } from '../api/client';
import { pipelineQuery, queryKeys, taskKeys } from '../api/queries';
import { useNotify } from '../components/Notices';
import { StatusBadge } from '../components/StatusBadge';
import { outcomeSummary } from '../lib/outcomes';
import { ExpectedEnd } from '../runs/ExpectedEnd';

/**
 * The pipeline the graph draws: its status, its progress (work done), how its tasks ended, and one action that
 * aborts it. The live events of its tasks keep it fresh; while it runs it is also asked again
 * every few seconds, because it closes a moment after its last task and no task event says so.
 */
export function PipelineBar({ id }: { id: string }) {
  // The graph itself says when a pipeline cannot be loaded: the bar stays away, or keeps what it
  // last knew through a passing error.
  const { data: pipeline } = useQuery(pipelineQuery(id));
  const [aborting, setAborting] = useState(false);
  const notify = useNotify();
  const queryClient = useQueryClient();

  // The picker of pipelines names each one's status: a new status of this one is news for it.
  const status = pipeline?.status;
  const lastStatus = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (status && lastStatus.current && status !== lastStatus.current) void queryClient.invalidateQueries({ queryKey: queryKeys.pipelines });
    if (status) lastStatus.current = status;
  }, [status, queryClient]);

  if (!pipeline) return null;
  const running = status === 'running';

  const abort = async () => {
    if (!window.confirm(`Abort pipeline ${pipeline.name}? Its running tasks are aborted and those still waiting never run.`)) return;
    setAborting(true);
    try {
      const { abort_requested: _requested, ...answer } = await api.abortPipeline(id);
      queryClient.setQueryData(queryKeys.pipeline(id), answer);
      void queryClient.invalidateQueries({ queryKey: taskKeys.lists() });
      notify({ kind: 'info', text: `Abort requested for pipeline ${pipeline.name}` });
    } catch (err) {
      setAborting(false);
      notify({ kind: 'error', text: `Abort failed: ${errorMessage(err)}` });
    }
  };

  return (
    <div className="pipeline-bar" role="group" aria-label={`Pipeline ${pipeline.name}`}>
      <strong>{pipeline.name}</strong>
      <StatusBadge status={pipeline.status} progress={pipeline.progress} />
      {/* How its tasks ended, apart from the progress (work done): "1 completed, 1 failed, 6 upstream failed of 8". */}
      <span className="pipeline-bar-count" data-testid="pipeline-finished">
        {outcomeSummary(pipeline.counts, pipeline.task_count)}
      </span>
      {running && pipeline.expected_end && <ExpectedEnd expected={pipeline.expected_end} />}
      <Link to={`/timeline?pipeline=${encodeURIComponent(id)}`}>Timeline</Link>
      {running && (
        <button type="button" className="button button-danger" disabled={aborting} onClick={() => void abort()}>
          {aborting ? 'Aborting…' : 'Abort pipeline'}
        </button>
      )}
    </div>
  );
}
