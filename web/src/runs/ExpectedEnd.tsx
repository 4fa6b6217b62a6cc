import type { PipelineDetail } from '../api/types';
import { formatDuration, formatTime } from '../lib/format';
import { useNow } from '../lib/useNow';

/** "Expected to end at 14:05 (in 3m 10s), from 4 earlier runs": a running pipeline's guess, and what it rests on. */
export function ExpectedEnd({ expected }: { expected: NonNullable<PipelineDetail['expected_end']> }) {
  const now = useNow(true);
  const at = Date.parse(expected.at);
  const basis = expected.earlier_runs > 0 ? `from ${expected.earlier_runs} earlier run${expected.earlier_runs === 1 ? '' : 's'}` : 'from tasks of the same types';
  return (
    <span className="muted" data-testid="expected-end" title={`Each task's median duration ${basis}`}>
      Expected to end at {formatTime(expected.at)} ({at > now ? `in ${formatDuration(at - now)}` : 'any moment'}), {basis}
    </span>
  );
}
