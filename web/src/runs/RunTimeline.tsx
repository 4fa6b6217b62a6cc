import { useState } from 'react';
import { useNavigate } from 'react-router';
import { STATUS_LABEL, isFinished, type TaskStatus } from '../../../core/statuses';
import { formatDuration, formatTime } from '../lib/format';
import { useNow } from '../lib/useNow';

/** One bar: from trigger (or submit) through queued to started to finished. */
export interface TimelineRun {
  id: string;
  name: string;
  status: TaskStatus;
  /** When it was due or submitted: the bar starts here. */
  trigger: string;
  started_at: string | null;
  end_date: string | null;
  /** On the pipeline's critical path. */
  critical?: boolean;
}

const ZOOMS = [1, 2, 4, 8] as const;

/**
 * Runs as horizontal bars on one time axis: the queue time (trigger to start) hatched apart from
 * the run time (start to end), coloured by status, growing while a run goes on; zoom widens the
 * axis, a click opens the task, and the critical path is outlined.
 */
export function RunTimeline({ runs, expectedEnd }: { runs: TimelineRun[]; /** A running pipeline's expected end (epoch ms): a dashed line. */ expectedEnd?: number }) {
  const navigate = useNavigate();
  const [zoom, setZoom] = useState<(typeof ZOOMS)[number]>(1);
  const now = useNow(runs.some((r) => !isFinished(r.status)));
  if (runs.length === 0) return <p className="muted">No runs to draw.</p>;
  const start = Math.min(...runs.map((r) => Date.parse(r.trigger)));
  const end = Math.max(...runs.map((r) => (r.end_date ? Date.parse(r.end_date) : now)), start + 1000, expectedEnd ?? 0);
  const span = end - start;
  const at = (t: number) => `${((t - start) / span) * 100}%`;
  const width = (a: number, b: number) => `${(Math.max(0, b - a) / span) * 100}%`;
  return (
    <div className="run-timeline" data-testid="run-timeline">
      <div className="run-timeline-tools">
        <span className="muted">
          {formatTime(new Date(start).toISOString())} – {formatTime(new Date(end).toISOString())} ({formatDuration(span)})
        </span>
        <span className="segmented" role="group" aria-label="Zoom">
          {ZOOMS.map((z) => (
            <button key={z} type="button" aria-pressed={zoom === z} onClick={() => setZoom(z)}>
              {z}×
            </button>
          ))}
        </span>
        <span className="run-legend">
          <span className="run-queue run-legend-swatch" /> queued <span className="run-bar run-legend-swatch status-completed" /> running <span className="run-legend-swatch run-critical-swatch" /> critical path
          {expectedEnd !== undefined && (
            <>
              {' '}
              <span className="run-legend-swatch run-expected-swatch" /> expected end
            </>
          )}
        </span>
      </div>
      <div className="run-timeline-scroll">
        <ol className="run-rows" style={{ width: `${zoom * 100}%` }}>
          {runs.map((run) => {
            const trigger = Date.parse(run.trigger);
            const started = run.started_at ? Date.parse(run.started_at) : null;
            const ended = run.end_date ? Date.parse(run.end_date) : now;
            const queuedUntil = started ?? ended;
            return (
              <li
                key={run.id}
                className={`run-row${run.critical ? ' run-critical' : ''}`}
                data-run-id={run.id}
                data-status={run.status}
                data-critical={run.critical || undefined}
                title={`${run.name}: ${STATUS_LABEL[run.status]}; queued ${formatDuration(queuedUntil - trigger)}${started !== null ? `, ran ${formatDuration(ended - started)}` : ''}`}
                onClick={() => void navigate(`/tasks/${encodeURIComponent(run.id)}`)}
              >
                <span className="run-label">{run.name}</span>
                <span className="run-track">
                  <span className="run-queue" style={{ left: at(trigger), width: width(trigger, queuedUntil) }} data-testid="queue" />
                  {started !== null && <span className={`run-bar status-${run.status}`} style={{ left: at(started), width: width(started, ended) }} data-testid="bar" />}
                  {expectedEnd !== undefined && <span className="run-expected" style={{ left: at(expectedEnd) }} aria-hidden="true" />}
                </span>
              </li>
            );
          })}
        </ol>
      </div>
    </div>
  );
}
