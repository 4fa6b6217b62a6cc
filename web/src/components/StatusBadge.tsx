import * as Tooltip from '@radix-ui/react-tooltip';
import { STATUS_LABEL, type TaskStatus } from '../../../core/statuses';

interface Props {
  status: TaskStatus;
  progress: number;
  error?: string | null;
}

/**
 * A coloured status with its percentage (every status has one); a failure explains itself on
 * hover or focus. The tooltip wrapper is always there, so a task that fails under the pointer
 * keeps the same element and its error shows without moving away and back.
 */
export function StatusBadge({ status, progress, error }: Props) {
  return (
    <Tooltip.Root delayDuration={150}>
      <Tooltip.Trigger asChild>
        <span className={`badge badge-${status}`} data-status={status} tabIndex={error ? 0 : undefined}>
          {STATUS_LABEL[status]}
          <span className="badge-progress">{progress}%</span>
        </span>
      </Tooltip.Trigger>
      {error && (
        <Tooltip.Portal>
          <Tooltip.Content className="tooltip" side="top" align="start" sideOffset={6} collisionPadding={8}>
            <strong>{STATUS_LABEL[status]}:</strong> {error}
            <Tooltip.Arrow className="tooltip-arrow" />
          </Tooltip.Content>
        </Tooltip.Portal>
      )}
    </Tooltip.Root>
  );
}
