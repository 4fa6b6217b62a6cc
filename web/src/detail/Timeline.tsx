import { STATUS_LABEL } from '../../../core/statuses';
import type { TaskDetail } from '../api/types';
import { formatTime } from '../lib/format';
import { timelineSteps } from '../lib/timeline';

/** Step-by-step lifecycle with connecting lines: green done, blue current, red failed, grey ahead. */
export function Timeline({ task }: { task: TaskDetail }) {
  return (
    <ol className="timeline" aria-label="Lifecycle timeline">
      {timelineSteps(task).map((step, i) => (
        <li key={`${step.status}-${i}`} className={`timeline-step step-${step.state}`} data-state={step.state} aria-current={step.state === 'current' ? 'step' : undefined}>
          <span className="timeline-icon" aria-hidden="true">
            {step.state === 'done' ? '✓' : step.state === 'failed' ? '✕' : step.state === 'current' ? '' : ''}
          </span>
          <span className="timeline-label">{STATUS_LABEL[step.status]}</span>
          <span className="timeline-time">{step.at ? formatTime(step.at) : 'not yet'}</span>
        </li>
      ))}
    </ol>
  );
}
