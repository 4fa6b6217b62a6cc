import { z } from 'zod';

/**
 * The task-type catalog. A task type is a Temporal workflow of the same name; this entry is
 * what the API validates starts against, what `GET /task-types` serves to the UI's form, and
 * what the concurrency rules read (`modifiesData`, `resource`).
 */
export interface TaskTypeDefinition<Input extends z.ZodType = z.ZodType> {
  id: string;
  label: string;
  description: string;
  input: Input;
  /** A data-modifying task puts its dataset in Read Only while it runs. */
  modifiesData: boolean;
  /** `gpu` tasks run one at a time on their own task queue; `cpu` tasks run side by side. */
  resource: 'cpu' | 'gpu';
}

export const commandInput = z
  .object({
    command: z.string().trim().min(1, 'command must not be empty').describe('Shell command, run with /bin/sh -c'),
    cwd: z.string().min(1).optional().describe('Working directory; it must exist'),
    env: z.record(z.string(), z.string()).optional().describe('Extra environment variables'),
    timeout_seconds: z
      .number()
      .int()
      .positive()
      .max(7 * 24 * 3600)
      .optional()
      .describe('Kill the command after this many seconds'),
  })
  .strict();
export type CommandInput = z.infer<typeof commandInput>;

export const TASK_TYPES = {
  command: {
    id: 'command',
    label: 'Command',
    description:
      'Runs a shell command with its own working directory, environment and timeout. ' +
      'Progress comes from its output: `PROGRESS <0-100> [message]` lines or tqdm-style `NN%|` bars.',
    input: commandInput,
    modifiesData: false,
    resource: 'cpu',
  },
} as const satisfies Record<string, TaskTypeDefinition>;

export type TaskTypeId = keyof typeof TASK_TYPES;
export const TASK_TYPE_IDS = Object.keys(TASK_TYPES) as TaskTypeId[];

export function isTaskTypeId(value: string): value is TaskTypeId {
  return Object.prototype.hasOwnProperty.call(TASK_TYPES, value);
}
