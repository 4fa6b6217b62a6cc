import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ROLES, type Principal } from '../core/roles';
import { TASK_TYPE_IDS, type TaskTypeId } from '../core/taskTypes';

/**
 * The process environment, parsed and validated once. Nothing else in Taskdeck reads
 * `process.env`; a bad value stops the process at start with the variable's name.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  TASKDECK_DATA: z.string().min(1).default('.taskdeck'),
  TASKDECK_TASK_QUEUE: z.string().min(1).default('taskdeck'),
  /** Free space every store write leaves on the data folder's disk; writes that would eat into it fail. */
  TASKDECK_MIN_FREE_MB: z.coerce.number().int().min(0).default(100),
  /**
   * Activities one worker runs at once. A command task holds one for its whole run while its
   * process does the work, so a worker for many long shell jobs wants more than the SDK's 100.
   */
  TASKDECK_WORKER_ACTIVITIES: z.coerce.number().int().min(1).max(100_000).default(100),
  /** How often the API's one shared poller asks visibility what changed. */
  TASKDECK_POLL_MS: z.coerce.number().int().min(100).default(1000),
  /** How often the API compares its window with a visibility count, to find deletions and missed changes. */
  TASKDECK_CHECK_MS: z.coerce.number().int().min(100).default(30_000),
  /** How often the API writes its task index to the data folder, so a restart lists only what changed since. */
  TASKDECK_SNAPSHOT_MS: z.coerce.number().int().min(1000).default(600_000),
  /** A JSON file `{"tokens": {"<token>": {"user": "ada", "role": "user"}}}`; turns authentication on. */
  TASKDECK_AUTH_FILE: z.string().min(1).optional(),
  /** `token:user:role,...`; turns authentication on (with the file's tokens, if both are given). */
  TASKDECK_AUTH_TOKENS: z.string().min(1).optional(),
  /** Task types whose tasks wait for an operator's approval when a `user` submits them (with authentication on). */
  TASKDECK_APPROVAL_TYPES: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const types = (v ?? '').split(',').map((t) => t.trim()).filter(Boolean);
      const unknown = types.filter((t) => !(TASK_TYPE_IDS as string[]).includes(t));
      if (unknown.length) ctx.addIssue({ code: 'custom', message: `unknown task type ${unknown.join(', ')}; known: ${TASK_TYPE_IDS.join(', ')}` });
      return types as TaskTypeId[];
    }),
  /** Unset: `npm start` runs an embedded dev server. Set: use that cluster, start none. */
  TEMPORAL_ADDRESS: z.string().min(1).optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_API_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => v === 'true' || v === '1'),
  TEMPORAL_TLS_CERT: z.string().min(1).optional(),
  TEMPORAL_TLS_KEY: z.string().min(1).optional(),
  TEMPORAL_TLS_CA: z.string().min(1).optional(),
  TEMPORAL_TLS_SERVER_NAME: z.string().min(1).optional(),
  /** Where "Open in Temporal UI" links point. */
  TEMPORAL_UI_URL: z.string().url().optional(),
  TEMPORAL_CLI: z.string().min(1).optional(),
  /** Ports of the embedded dev server. */
  TEMPORAL_PORT: z.coerce.number().int().min(1).max(65535).default(7233),
  TEMPORAL_UI_PORT: z.coerce.number().int().min(1).max(65535).default(8233),
});

export type Env = z.infer<typeof envSchema>;

export interface Config {
  port: number;
  dataDir: string;
  logsRoot: string;
  /** Free space (bytes) store writes leave on the data folder's disk. */
  minFreeBytes: number;
  taskQueue: string;
  workerActivities: number;
  pollMs: number;
  checkMs: number;
  snapshotMs: number;
  /** API tokens and whom they sign in; undefined when authentication is off (the default). */
  auth: ReadonlyMap<string, Principal> | undefined;
  /** Types whose tasks a `user` submits into pending_approval; only with authentication on. */
  approvalTypes: readonly TaskTypeId[];
  temporal: {
    /** Undefined until an embedded server is started or TEMPORAL_ADDRESS is given. */
    address: string | undefined;
    namespace: string;
    apiKey?: string;
    tls: boolean;
    tlsCert?: string;
    tlsKey?: string;
    tlsCa?: string;
    tlsServerName?: string;
    uiUrl: string | undefined;
    cli?: string;
    embeddedPort: number;
    embeddedUiPort: number;
  };
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable (`PORT=`) means unset, not zero or an empty address.
  const given = Object.fromEntries(Object.entries(env).filter(([, value]) => value?.trim()));
  const parsed = envSchema.safeParse(given);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ');
    throw new Error(`Invalid environment:\n  ${problems}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.TASKDECK_DATA);
  return {
    port: e.PORT,
    dataDir,
    logsRoot: resolve(dataDir, 'logs'),
    minFreeBytes: e.TASKDECK_MIN_FREE_MB * 1024 * 1024,
    taskQueue: e.TASKDECK_TASK_QUEUE,
    workerActivities: e.TASKDECK_WORKER_ACTIVITIES,
    pollMs: e.TASKDECK_POLL_MS,
    checkMs: e.TASKDECK_CHECK_MS,
    snapshotMs: e.TASKDECK_SNAPSHOT_MS,
    auth: authTokens(e.TASKDECK_AUTH_FILE, e.TASKDECK_AUTH_TOKENS),
    approvalTypes: e.TASKDECK_APPROVAL_TYPES,
    temporal: {
      address: e.TEMPORAL_ADDRESS,
      namespace: e.TEMPORAL_NAMESPACE,
      apiKey: e.TEMPORAL_API_KEY,
      tls: e.TEMPORAL_TLS || Boolean(e.TEMPORAL_TLS_CERT || e.TEMPORAL_API_KEY),
      tlsCert: e.TEMPORAL_TLS_CERT,
      tlsKey: e.TEMPORAL_TLS_KEY,
      tlsCa: e.TEMPORAL_TLS_CA,
      tlsServerName: e.TEMPORAL_TLS_SERVER_NAME,
      uiUrl: e.TEMPORAL_UI_URL ?? (e.TEMPORAL_ADDRESS ? undefined : `http://localhost:${e.TEMPORAL_UI_PORT}`),
      cli: e.TEMPORAL_CLI,
      embeddedPort: e.TEMPORAL_PORT,
      embeddedUiPort: e.TEMPORAL_UI_PORT,
    },
  };
}

const principal = z.object({ user: z.string().trim().min(1).max(255), role: z.enum(ROLES) }).strict();
const authFile = z.object({ tokens: z.record(z.string().min(1), principal) }).strict();

/** Tokens from the auth file and the env variable; neither given means authentication is off. */
function authTokens(file: string | undefined, list: string | undefined): ReadonlyMap<string, Principal> | undefined {
  if (!file && !list) return undefined;
  const tokens = new Map<string, Principal>();
  if (file) {
    let json: unknown;
    try {
      json = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      throw new Error(`Invalid environment:\n  TASKDECK_AUTH_FILE: cannot read ${file}: ${(err as Error).message}`);
    }
    const parsed = authFile.safeParse(json);
    if (!parsed.success) {
      const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new Error(`Invalid environment:\n  TASKDECK_AUTH_FILE: ${file}: ${problems}`);
    }
    for (const [token, who] of Object.entries(parsed.data.tokens)) tokens.set(token, who);
  }
  for (const entry of (list ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [token, user, role, ...rest] = entry.split(':');
    const parsed = principal.safeParse({ user, role });
    if (!token || rest.length > 0 || !parsed.success) {
      throw new Error(`Invalid environment:\n  TASKDECK_AUTH_TOKENS: '${entry.split(':')[0]}:...' must be token:user:role with role one of ${ROLES.join(', ')}`);
    }
    tokens.set(token, parsed.data);
  }
  if (tokens.size === 0) throw new Error('Invalid environment:\n  TASKDECK_AUTH_TOKENS / TASKDECK_AUTH_FILE: no tokens; unset both to turn authentication off');
  return tokens;
}

/** The address to connect to; only an embedded launcher may leave it unset beforehand. */
export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `localhost:${config.temporal.embeddedPort}`;
}
