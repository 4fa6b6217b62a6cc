import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_PIPELINE_SEGMENT_TASKS } from '../core/pipelines';
import { ROLES, type Principal } from '../core/roles';
import { TASK_TYPE_IDS, type TaskTypeId } from '../core/taskTypes';
import { KEYS_SETTING, parseEncryptionKeys, readKeysFile, type EncryptionKey } from './encryption';

/** The shortest API token accepted: a short one can be guessed, rate limit or not. */
export const MIN_TOKEN_LENGTH = 16;

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
  TASKDECK_PIPELINE_SEGMENT_TASKS: z.coerce.number().int().min(1).max(1900).default(DEFAULT_PIPELINE_SEGMENT_TASKS),
  /** How often the API compares its window with a visibility count, to find deletions and missed changes. */
  TASKDECK_CHECK_MS: z.coerce.number().int().min(100).default(30_000),
  /** How often the API writes its task index to the data folder, so a restart lists only what changed since. */
  TASKDECK_SNAPSHOT_MS: z.coerce.number().int().min(1000).default(600_000),
  /** A JSON file `{"tokens": {"<token>": {"user": "ada", "role": "user"}}}`; turns authentication on. */
  TASKDECK_AUTH_FILE: z.string().min(1).optional(),
  /** `token:user:role,...`; turns authentication on (with the file's tokens, if both are given). */
  TASKDECK_AUTH_TOKENS: z.string().min(1).optional(),
  /** Wrong tokens one client address may send per window before it gets 429s. */
  TASKDECK_AUTH_MAX_FAILURES: z.coerce.number().int().min(1).max(1_000_000).default(20),
  /** The window of TASKDECK_AUTH_MAX_FAILURES, in seconds. */
  TASKDECK_AUTH_FAILURE_WINDOW_S: z.coerce.number().int().min(1).max(86_400).default(300),
  /**
   * Express's `trust proxy` (a hop count, `loopback`, addresses or subnets): behind a reverse proxy,
   * which client address the failed-authentication limit counts (otherwise the proxy's).
   */
  TASKDECK_TRUST_PROXY: z
    .string()
    .optional()
    .transform((v) => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v === 'true' ? true : v === 'false' ? false : v)),
  /**
   * `id:base64key,...`: AES-256 keys of the payload codec (runtime/encryption.ts); the first
   * encrypts, all decrypt. Unset: the data folder's `encryption.keys`, which `npm start` creates.
   */
  TASKDECK_ENCRYPTION_KEYS: z.string().min(1).optional(),
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
  /** The node this worker is (default: the host name); tasks target it by this name. */
  TASKDECK_NODE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'a node name is letters, digits, dots, dashes and underscores, starting with a letter or digit')
    .optional(),
  /** Cores the node offers to tasks (default: the cores the machine has). */
  TASKDECK_NODE_CORES: z.coerce.number().int().min(1).max(4096).optional(),
  /** Memory the node offers to tasks, in MB (default: the machine's). */
  TASKDECK_NODE_MEMORY_MB: z.coerce.number().int().min(1).optional(),
  /** GPU indices the node offers, `0,1` (default: what nvidia-smi lists; `none` for none). */
  TASKDECK_NODE_GPUS: z
    .string()
    .optional()
    .transform((v, ctx) => {
      if (v === undefined) return undefined;
      if (v.trim() === 'none') return [];
      const ids = v.split(',').map((t) => t.trim()).filter(Boolean);
      if (!ids.every((id) => /^\d{1,4}$/.test(id))) ctx.addIssue({ code: 'custom', message: 'GPU indices separated by commas, like 0,1 (or none)' });
      return [...new Set(ids.map(Number))];
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
  /** A pipeline of more tasks runs through segment workflows of this many (workflows/pipeline.ts). */
  pipelineSegmentTasks: number;
  checkMs: number;
  snapshotMs: number;
  /** API tokens and whom they sign in; undefined when authentication is off (the default). */
  auth: ReadonlyMap<string, Principal> | undefined;
  /** Failed authentications per client address and window before 429 (only with authentication on). */
  authFailures: { max: number; windowMs: number };
  /** Express's `trust proxy`: which address is the client's behind a reverse proxy. */
  trustProxy: boolean | number | string | undefined;
  /** Types whose tasks a `user` submits into pending_approval; only with authentication on. */
  approvalTypes: readonly TaskTypeId[];
  /**
   * The payload codec's keys (the first encrypts) and where they came from; undefined when none is
   * set, and then environment values are stored in plain text (each process warns at start).
   */
  encryption: { keys: readonly EncryptionKey[]; source: string } | undefined;
  /** What a worker declares as its node; unset fields are detected (runtime/nodes.ts). */
  node: { name?: string; cores?: number; memoryMb?: number; gpus?: number[] };
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
    pipelineSegmentTasks: e.TASKDECK_PIPELINE_SEGMENT_TASKS,
    checkMs: e.TASKDECK_CHECK_MS,
    snapshotMs: e.TASKDECK_SNAPSHOT_MS,
    auth: authTokens(e.TASKDECK_AUTH_FILE, e.TASKDECK_AUTH_TOKENS),
    authFailures: { max: e.TASKDECK_AUTH_MAX_FAILURES, windowMs: e.TASKDECK_AUTH_FAILURE_WINDOW_S * 1000 },
    trustProxy: e.TASKDECK_TRUST_PROXY,
    approvalTypes: e.TASKDECK_APPROVAL_TYPES,
    encryption: encryptionKeys(e.TASKDECK_ENCRYPTION_KEYS, dataDir),
    node: { name: e.TASKDECK_NODE_NAME, cores: e.TASKDECK_NODE_CORES, memoryMb: e.TASKDECK_NODE_MEMORY_MB, gpus: e.TASKDECK_NODE_GPUS },
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
    for (const [token, who] of Object.entries(parsed.data.tokens)) {
      checkLength(token, who, 'TASKDECK_AUTH_FILE');
      tokens.set(token, who);
    }
  }
  for (const entry of (list ?? '').split(',').map((e) => e.trim()).filter(Boolean)) {
    const [token, user, role, ...rest] = entry.split(':');
    const parsed = principal.safeParse({ user, role });
    if (!token || rest.length > 0 || !parsed.success) {
      throw new Error(`Invalid environment:\n  TASKDECK_AUTH_TOKENS: '${entry.split(':')[0]}:...' must be token:user:role with role one of ${ROLES.join(', ')}`);
    }
    checkLength(token, parsed.data, 'TASKDECK_AUTH_TOKENS');
    tokens.set(token, parsed.data);
  }
  if (tokens.size === 0) throw new Error('Invalid environment:\n  TASKDECK_AUTH_TOKENS / TASKDECK_AUTH_FILE: no tokens; unset both to turn authentication off');
  return tokens;
}

/** A short token can be guessed; the error names the setting and the user, never the token. */
function checkLength(token: string, who: Principal, setting: string): void {
  if (token.length >= MIN_TOKEN_LENGTH) return;
  throw new Error(
    `Invalid environment:\n  ${setting}: the token of ${who.user} (${who.role}) has ${token.length} characters; a token needs at least ${MIN_TOKEN_LENGTH} (make one with: openssl rand -base64 24)`,
  );
}

/** The keys from the setting, else from the data folder's keys file, else none. */
function encryptionKeys(setting: string | undefined, dataDir: string): Config['encryption'] {
  if (setting) return { keys: parseEncryptionKeys(setting, KEYS_SETTING), source: KEYS_SETTING };
  const fromFile = readKeysFile(dataDir);
  return fromFile && { keys: fromFile.keys, source: fromFile.path };
}

/** The address to connect to; only an embedded launcher may leave it unset beforehand. */
export function temporalAddress(config: Config): string {
  return config.temporal.address ?? `localhost:${config.temporal.embeddedPort}`;
}
