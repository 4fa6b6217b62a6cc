import { useQueryClient } from '@tanstack/react-query';
import { Link } from 'react-router';
import { api, errorMessage } from '../api/client';
import { invalidateTask } from '../api/queries';
import type { ApprovalItem } from '../api/types';
import { useNotify } from '../components/Notices';
import { reviews, useMe } from '../lib/me';
import { useApprovals } from './useApprovals';

/** Operators review what users submitted to approval-gated task types: the input and resources, then a decision. */
export function ApprovalQueuePage() {
  const me = useMe();
  const items = useApprovals(reviews(me));
  const notify = useNotify();
  const queryClient = useQueryClient();

  const decide = async (item: ApprovalItem, decision: 'approve' | 'reject') => {
    const label = item.name ?? item.id;
    let note: string | undefined;
    if (decision === 'reject') {
      const given = window.prompt(`Reject ${label}? Say why (optional):`, '');
      if (given === null) return;
      note = given.trim() || undefined;
    }
    try {
      await (decision === 'approve' ? api.approve(item.id) : api.reject(item.id, note));
      notify({ kind: 'info', text: `${decision === 'approve' ? 'Approved' : 'Rejected'} ${label}` });
      // The queue (the item waited for approval), the lists and the task's detail.
      void invalidateTask(queryClient, item);
    } catch (err) {
      notify({ kind: 'error', text: `${decision === 'approve' ? 'Approve' : 'Reject'} failed: ${errorMessage(err)}` });
    }
  };

  if (me && !reviews(me)) {
    return (
      <section className="page">
        <h1>Approvals</h1>
        <p>Only operators and admins review tasks waiting for approval.</p>
      </section>
    );
  }
  return (
    <section className="page approvals" aria-labelledby="approvals-title">
      <h1 id="approvals-title">Approvals</h1>
      {items === undefined && <p className="loading">Loading…</p>}
      {items?.length === 0 && <p>No task is waiting for approval.</p>}
      <ul className="approval-list">
        {items?.map((item) => (
          <li key={item.id} className="approval-card" aria-label={`Approval of ${item.name ?? item.id}`}>
            <header>
              <Link to={`/tasks/${encodeURIComponent(item.id)}`} className="task-name">
                {item.name ?? item.id}
              </Link>
              <span className="mono">{item.task_type}</span>
              <span>by {item.user ?? 'unknown'}</span>
              <time dateTime={item.created_at}>{new Date(item.created_at).toLocaleString()}</time>
            </header>
            {item.resources && (
              <p className="approval-resources">
                Resources: {item.resources.resource.toUpperCase()}, dataset access {item.resources.dataset_access}
                {item.dataset_id && ` on ${item.dataset_id}`}
              </p>
            )}
            <pre className="approval-input">{JSON.stringify(item.input, null, 2)}</pre>
            <div className="button-row">
              <button type="button" className="button button-primary" onClick={() => void decide(item, 'approve')}>
                Approve
              </button>
              <button type="button" className="button button-danger" onClick={() => void decide(item, 'reject')}>
                Reject
              </button>
            </div>
          </li>
        ))}
      </ul>
    </section>
  );
}
