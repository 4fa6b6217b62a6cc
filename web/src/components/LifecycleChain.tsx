import { STATUS_LABEL, type TaskStatus } from '../../../core/statuses';
import { chainSteps } from '../lib/lifecycle';

/**
 * The lifecycle inline: past steps plain, the current state bold, running with a pulse. A
 * scheduled run's chain begins at its trigger.
 */
export function LifecycleChain({ status, failedStep, scheduled = false }: { status: TaskStatus; failedStep: TaskStatus | null; scheduled?: boolean }) {
  const steps = chainSteps(status, failedStep);
  const current = steps.indexOf(status);
  return (
    <ol className="chain" aria-label={`Lifecycle, now ${STATUS_LABEL[status]}`}>
      {scheduled && <li className="chain-past chain-trigger">Trigger</li>}
      {steps.map((step, i) => (
        <li key={step} className={i === current ? `chain-current chain-${step}` : i < current ? 'chain-past' : 'chain-future'}>
          {i === current && step === 'running' && <span className="pulse" aria-hidden="true" />}
          {STATUS_LABEL[step]}
        </li>
      ))}
    </ol>
  );
}
