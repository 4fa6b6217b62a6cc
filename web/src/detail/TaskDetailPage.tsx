import { Link, useNavigate, useParams } from 'react-router';
import { ORIGIN_LABEL } from '../../../core/origin';
import { formatMemoryMb } from '../../../core/nodes';
import { isFinished } from '../../../core/statuses';
import { ApiError } from '../api/client';
import type { TaskDetail } from '../api/types';
import { LifecycleChain } from '../components/LifecycleChain';
import { OriginBadge } from '../components/OriginBadge';
import { StatusBadge } from '../components/StatusBadge';
import { useTaskActions } from '../components/useTaskActions';
import { durationAt, isCounting } from '../lib/duration';
import { formatAllocation, formatDuration, formatTime } from '../lib/format';
import { typeLabel, useTaskTypes } from '../lib/taskTypes';
import { useNow } from '../lib/useNow';
import { graphLink } from '../graph/graphView';
import { LogViewer } from './LogViewer';
import { TaskDependencies } from './TaskDependencies';
import { Timeline } from './Timeline';
import { useTaskDetail } from './useTaskDetail';

export function TaskDetailPage() {
  const { id = '' } = useParams();
  const { task, receivedAt, error } = useTaskDetail(id);
  if (error && !task) {
    const missing = error instanceof ApiError && error.status === 404;
    return (
      <section className="page">
        <p className="banner banner-error" role="alert">
          {missing ? `There is no task ${id} in this namespace.` : `Could not load task ${id}: ${error.message}`}
        </p>
        <Link to="/">Back to tasks</Link>
      </section>
    );
  }
  if (!task) return <p className="page loading">Loading task…</p>;
  return <TaskDetailView task={task} receivedAt={receivedAt} />;
}

function TaskDetailView({ task, receivedAt }: { task: TaskDetail; receivedAt: number }) {
  const { types } = useTaskTypes();
  const actions = useTaskActions(task);
  const navigate = useNavigate();
  const now = useNow(isCounting(task));
  const title = task.name ?? typeLabel(types, task.task_type);

  return (
    <section className="page detail" aria-labelledby="task-title">
      <nav className="breadcrumb" aria-label="Breadcrumb">
        <Link to="/">Tasks</Link> <span aria-hidden="true">/</span> <span className="mono">{task.id}</span>
      </nav>
      <header className="page-header">
        <div className="title-block">
          <h1 id="task-title">{title}</h1>
          <StatusBadge status={task.status} progress={task.progress} error={task.error} />
          <LifecycleChain status={task.status} failedStep={task.failed_step} scheduled={task.origin === 'scheduled'} />
        </div>
        <div className="button-row">
          <button type="button" className="button" onClick={() => void actions.copyId()}>
            Copy Task ID
          </button>
          {actions.canDecide && (
            <button type="button" className="button button-primary" onClick={() => void actions.approve()}>
              Approve
            </button>
          )}
          {actions.canDecide && (
            <button type="button" className="button button-danger" onClick={() => void actions.reject()}>
              Reject
            </button>
          )}
          {actions.canPause && (
            <button type="button" className="button" onClick={() => void actions.pause()}>
              Pause
            </button>
          )}
          {actions.canResume && (
            <button type="button" className="button" onClick={() => void actions.resume()}>
              Resume
            </button>
          )}
          {actions.canAbort && (
            <button type="button" className="button button-danger" onClick={() => void actions.abort()}>
              Abort
            </button>
          )}
          {actions.canRetry && (
            <button
              type="button"
              className="button"
              onClick={() => void actions.retry().then((created) => created && navigate(`/tasks/${encodeURIComponent(created.id)}`))}
            >
              Retry
            </button>
          )}
          {task.temporal_ui_url && (
            <a className="button" href={task.temporal_ui_url} target="_blank" rel="noreferrer">
              Open in Temporal UI ↗
            </a>
          )}
        </div>
      </header>

      <div className="detail-grid">
        <section className="card" aria-labelledby="details-title">
          <h2 id="details-title">Details</h2>
          <dl className="facts">
            <dt>Type</dt>
            <dd>{typeLabel(types, task.task_type)}</dd>
            <dt>Name</dt>
            <dd>{task.name ?? '—'}</dd>
            <dt>Dataset</dt>
            <dd>
              {task.dataset_id ? (
                <Link to={`/datasets/${encodeURIComponent(task.dataset_id)}`}>{task.dataset ?? task.dataset_id}</Link>
              ) : task.dataset ? (
                <Link to={`/?dataset=${encodeURIComponent(task.dataset)}`}>{task.dataset}</Link>
              ) : (
                '—'
              )}
            </dd>
            <dt>Dataset ID</dt>
            <dd className="mono">{task.dataset_id ?? '—'}</dd>
            <dt>User</dt>
            <dd>{task.user ?? '—'}</dd>
            <dt>Tag</dt>
            <dd>{task.tag ?? '—'}</dd>
            {task.pipeline_id && (
              <>
                <dt>Pipeline</dt>
                <dd>
                  <Link to={graphLink('pipeline', task.pipeline_id)} className="mono">
                    {task.pipeline_id}
                  </Link>
                </dd>
              </>
            )}
            {task.batch_id && (
              <>
                <dt>Batch</dt>
                <dd>
                  <Link to={`/batches/${encodeURIComponent(task.batch_id)}`} className="mono">
                    {task.batch_id}
                  </Link>
                </dd>
              </>
            )}
            <dt>Origin</dt>
            <dd data-testid="origin">
              {task.origin === 'pipeline' || task.origin === 'batch' ? ORIGIN_LABEL[task.origin] : <OriginBadge task={task} />}
              {task.schedule_id && (
                <>
                  {' '}
                  of <Link to={`/schedules/${encodeURIComponent(task.schedule_id)}`}>{task.schedule_id}</Link>
                </>
              )}
            </dd>
            <dt>Group</dt>
            <dd>{task.group ? <Link to={`/?group=${encodeURIComponent(task.group)}`}>{task.group}</Link> : '—'}</dd>
            <dt>Agent (worker)</dt>
            <dd className="mono" title="The worker that runs (or ran) the task">
              {task.worker ?? task.agent ?? '—'}
            </dd>
            <dt>Trigger time</dt>
            <dd>{formatTime(task.trigger_time)}</dd>
            <Placement task={task} />
            <dt>Submitted</dt>
            <dd>{formatTime(task.created_at)}</dd>
            <dt>Started</dt>
            <dd>{formatTime(task.started_at)}</dd>
            <dt>Finished</dt>
            <dd>{formatTime(task.end_date)}</dd>
            <dt>Duration</dt>
            <dd className="mono" data-testid="duration">
              {formatDuration(durationAt(task, receivedAt, now))}
            </dd>
            <dt>Exit code</dt>
            <dd className="mono">{task.exit_code ?? '—'}</dd>
            <dt>Task ID</dt>
            <dd className="mono">{task.id}</dd>
          </dl>
        </section>

        <section className="card" aria-labelledby="timeline-title">
          <h2 id="timeline-title">Lifecycle</h2>
          <Timeline task={task} />
          <div className="progress-block">
            <div className="progress-head">
              <span>Progress</span>
              <span className="mono">{task.progress}%</span>
            </div>
            <div className="progress" role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={task.progress} aria-label="Progress">
              <div className={`progress-bar progress-${task.status}`} style={{ width: `${task.progress}%` }} />
            </div>
            {task.message && <p className="progress-message">{task.message}</p>}
          </div>
          {task.error_detail && (
            <div className="error-box" role="alert">
              <strong>Failed while {task.error_detail.step}:</strong>
              <pre>{task.error_detail.message}</pre>
            </div>
          )}
          {(task.retry_of || task.triggered_by || task.retries.length > 0) && (
            <div className="retries">
              {task.triggered_by && (
                <p>
                  Started as the follow-up of{' '}
                  <Link to={`/tasks/${encodeURIComponent(task.triggered_by)}`} className="mono">
                    {task.triggered_by}
                  </Link>
                </p>
              )}
              {task.retry_of && (
                <p>
                  Retry of <Link to={`/tasks/${encodeURIComponent(task.retry_of)}`} className="mono">{task.retry_of}</Link>
                </p>
              )}
              {task.retries.length > 0 && (
                <p>
                  Retried as{' '}
                  {task.retries.map((r, i) => (
                    <span key={r}>
                      {i > 0 && ', '}
                      <Link to={`/tasks/${encodeURIComponent(r)}`} className="mono">{r}</Link>
                    </span>
                  ))}
                </p>
              )}
            </div>
          )}
        </section>

        <section className="card" aria-labelledby="input-title">
          <h2 id="input-title">Input</h2>
          <pre className="json">{JSON.stringify(task.input, null, 2)}</pre>
          {task.result !== null && task.result !== undefined && (
            <>
              <h3>Result</h3>
              <pre className="json">{JSON.stringify(task.result, null, 2)}</pre>
            </>
          )}
        </section>
      </div>

      <TaskDependencies key={`deps-${task.id}`} taskId={task.id} />
      <LogViewer key={task.id} taskId={task.id} finished={isFinished(task.status)} />
    </section>
  );
}

/** What the task asked for (its constraints) and where it ran with what it held. */
function Placement({ task }: { task: TaskDetail }) {
  const asked = task.constraints;
  if (!asked && !task.node) return null;
  const wanted = asked
    ? [
        asked.target_node && `node ${asked.target_node}`,
        asked.cpu_cores && `${asked.cpu_cores} ${asked.cpu_cores === 1 ? 'core' : 'cores'}`,
        asked.memory_mb && formatMemoryMb(asked.memory_mb),
        asked.gpu_ids && `GPU ${asked.gpu_ids.join(',')}`,
        asked.gpu_count && `${asked.gpu_count} GPU${asked.gpu_count > 1 ? 's' : ''}`,
      ].filter(Boolean)
    : [];
  return (
    <>
      <dt>Constraints</dt>
      <dd data-testid="constraints">{wanted.join(' · ') || '—'}</dd>
      <dt>Node</dt>
      <dd data-testid="node">{task.node ? <Link to={`/?node=${encodeURIComponent(task.node)}`}>{task.node}</Link> : '—'}</dd>
      <dt>Resources</dt>
      <dd data-testid="allocation">
        {formatAllocation(task.allocation)}
        {task.allocation?.cores.length ? <span className="muted"> (cores {task.allocation.cores.join(',')})</span> : null}
      </dd>
    </>
  );
}
