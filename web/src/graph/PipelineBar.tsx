import { useCallback, useEffect, useRef, useState } from 'react';
import type { PipelineDetail } from '../api/types';
import { isFinished, type TaskStatus } from '../../../core/statuses';
import { api, errorMessage } from '../api/client';
import { useNotify } from '../components/Notices';
import { StatusBadge } from '../components/StatusBadge';
import { useRefreshOnTaskEvents } from '../live/taskEvents';

/**
 * The pipeline closes a moment after its last task (it waits for its children to end); task events
 * stop then, so a running pipeline is also asked again now and then.
 */
const RUNNING_REFRESH_MS = 3000;
/** Task events of one pipeline come in bursts (an abort ends all of them): one refetch per burst. */
const EVENT_REFRESH_MS = 500;

/**
 * The pipeline the graph draws: its status, how many of its tasks finished, and one action that
 * aborts it. `onStatusChange` hears each new status after the first.
 */
export function PipelineBar({ id, onStatusChange }: { id: string; onStatusChange: () => void }) {
  const [pipeline, setPipeline] = useState<PipelineDetail | null>(null);
  const [aborting, setAborting] = useState(false);
  const notify = useNotify();

  const refresh = useCallback(() => {
    // The graph itself says when a pipeline cannot be loaded: the bar stays away, or keeps what it
    // last knew through a passing error.
    api.pipeline(id).then(setPipeline, () => undefined);
  }, [id]);
  useEffect(refresh, [refresh]);
  useRefreshOnTaskEvents((task) => task.pipeline_id === id, refresh, EVENT_REFRESH_MS);

  const status = pipeline?.status;
  const lastStatus = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (status && lastStatus.current && status !== lastStatus.current) onStatusChange();
    if (status) lastStatus.current = status;
  }, [status, onStatusChange]);

  const running = status === 'running';
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(refresh, RUNNING_REFRESH_MS);
    return () => window.clearInterval(timer);
  }, [running, refresh]);

  if (!pipeline) return null;
  const finished = Object.entries(pipeline.counts).reduce((sum, [counted, n]) => (isFinished(counted as TaskStatus) ? sum + n : sum), 0);

  const abort = async () => {
    if (!window.confirm(`Abort pipeline ${pipeline.name}? Its running tasks are aborted and those still waiting never run.`)) return;
    setAborting(true);
    try {
      setPipeline(await api.abortPipeline(id));
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
      <span className="pipeline-bar-count" data-testid="pipeline-finished">
        {finished} of {pipeline.task_count} tasks finished
      </span>
      {running && (
        <button type="button" className="button button-danger" disabled={aborting} onClick={() => void abort()}>
          {aborting ? 'Aborting…' : 'Abort pipeline'}
        </button>
      )}
    </div>
  );
}
