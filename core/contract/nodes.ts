import { z } from 'zod';

const isoTime = z.iso.datetime();

/** One node of `GET /nodes`: what it declared, whether Temporal sees its worker, and what it holds. */
export const nodeInfo = z.strictObject({
  name: z.string(),
  alive: z.boolean().describe("Whether Temporal still sees the node's worker"),
  last_seen: isoTime.nullable().describe('The last time Temporal heard from its worker'),
  health_source: z.enum(['worker heartbeat', 'task queue pollers']).describe('What Temporal knows it from'),
  workers: z.array(z.string()).describe('Identities of its live workers'),
  task_queues: z.array(z.string()).describe('The task queues it serves; `<queue>@<node>` is its own'),
  cores: z.number().int(),
  memory_mb: z.number().int(),
  gpus: z.array(z.number().int()),
  used: z.strictObject({ cores: z.number().int(), memory_mb: z.number().int(), gpus: z.array(z.number().int()) }).describe('What its tasks hold now'),
  load: z.number().min(0).max(1).describe('Share of its cores held'),
  joined_at: isoTime.describe('When its worker last started'),
  lost_at: isoTime.nullable().describe('When the allocator found it down; null while up'),
  tasks: z
    .array(
      z.strictObject({
        task_id: z.string(),
        cores: z.array(z.number().int()),
        memory_mb: z.number().int().nullable(),
        gpus: z.array(z.number().int()),
        since: isoTime,
      }),
    )
    .describe('The tasks running on it, with what each holds'),
  waiting: z.number().int().min(0).describe('Tasks assigning that target it'),
});
export type NodeInfo = z.infer<typeof nodeInfo>;

export const nodeParams = z.strictObject({ name: z.string().min(1).max(255).describe('Node name') });
