/**
 * Roles of signed-in users when authentication is on. A user submits tasks and acts only on its
 * own; an operator or admin acts on any task and approves or rejects.
 */
export const ROLES = ['user', 'operator', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who calls the API, from the token of the request. */
export interface Principal {
  user: string;
  role: Role;
}

/** What a caller does to an existing task. */
export type TaskAction = 'abort' | 'kill' | 'pause' | 'resume' | 'retry' | 'approve' | 'reject';

/** What a caller does to an existing schedule: its owner or an operator or admin may. */
export type ScheduleAction = 'edit' | 'delete' | 'pause' | 'unpause' | 'trigger';

const OPERATOR_ONLY: ReadonlySet<TaskAction | ScheduleAction> = new Set(['approve', 'reject']);

/**
 * Whether `principal` may do `action` to a task (or schedule) started by `owner`. Without authentication
 * (no principal) everything is allowed, as in the local embedded run.
 */
export function mayAct(principal: Principal | undefined, action: TaskAction | ScheduleAction, owner: string | null): boolean {
  if (!principal || principal.role !== 'user') return true;
  return !OPERATOR_ONLY.has(action) && owner === principal.user;
}

/**
 * Who may read what, with authentication on: everyone signed in sees every task's row, page and
 * place in the graph (a team sees its operations); a task's logs, which may print what its input
 * kept secret, only its owner, an operator or an admin; the approval queue only operators and
 * admins, whose work it is; task secrets in plain text (the codec endpoint) only operators and
 * admins. Without authentication everything is readable.
 */
export function mayRead(principal: Principal | undefined, what: 'logs' | 'approvals' | 'secrets', owner: string | null = null): boolean {
  if (!principal || principal.role !== 'user') return true;
  return what === 'logs' && owner === principal.user;
}
