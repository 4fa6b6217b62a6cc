import type { Principal, TaskTypeId } from '../../core';
import { authorizeRead } from '../auth';
import type { Handlers } from '../router';
import type { TaskIndex } from '../taskIndex';
import type { TaskService } from '../taskService';

const taskLocation = (id: string) => ({ Location: `/tasks/${encodeURIComponent(id)}` });

type TaskHandlers = Pick<
  Handlers,
  'listTasks' | 'startTask' | 'getTask' | 'abortTask' | 'killTask' | 'pauseTask' | 'resumeTask' | 'approveTask' | 'rejectTask' | 'retryTask' | 'listApprovals'
>;

export function taskHandlers(index: TaskIndex, service: TaskService): TaskHandlers {
  // Kill is abort under the name operators look for next to pause and resume.
  const abort =
    (action: 'abort' | 'kill') =>
    async ({ params, principal }: { params: { id: string }; principal: Principal | undefined }) =>
      ({ status: 202, body: { ...(await service.abort(params.id, principal, action)), abort_requested: true } }) as const;
  return {
    listTasks: async ({ query }) => {
      await index.whenReady();
      const page = index.query(query);
      return { status: 200, body: page.items, headers: { 'X-Total-Count': String(page.total) } };
    },
    startTask: async ({ body, principal }) => {
      const { type, input, ...meta } = body;
      const record = await service.submit({ type: type as TaskTypeId, input, meta }, principal);
      return { status: 201, body: record, headers: taskLocation(record.id) };
    },
    getTask: async ({ params }) => ({ status: 200, body: await service.detail(params.id) }),
    abortTask: abort('abort'),
    killTask: abort('kill'),
    pauseTask: async ({ params, principal }) => ({ status: 200, body: await service.pause(params.id, principal) }),
    resumeTask: async ({ params, principal }) => ({ status: 200, body: await service.resume(params.id, principal) }),
    // Approval: an operator or admin lets a task in pending_approval go on, or ends it rejected.
    approveTask: async ({ params, body, principal }) => ({ status: 200, body: await service.approve(params.id, principal, body.note) }),
    rejectTask: async ({ params, body, principal }) => ({ status: 200, body: await service.reject(params.id, principal, body.note) }),
    retryTask: async ({ params, principal }) => {
      const record = await service.retry(params.id, principal);
      return { status: 201, body: record, headers: taskLocation(record.id) };
    },
    // The approval queue: what waits for a decision, with the input and resources to review.
    listApprovals: async ({ principal }) => {
      authorizeRead(principal, 'approvals');
      return { status: 200, body: await service.approvals() };
    },
  };
}
