import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client, Connection } from '@temporalio/client';
import type { History } from '@temporalio/common/lib/proto-utils';
import { temporal } from '@temporalio/proto';
import { allocatorId, datasetEntityId, pipelineSegmentId } from '../../core';
import { folderWith, pngImage } from '../support/fixtures';
import { ROOT, removeDir, startStack, tempDir } from '../support/stack';
import { HISTORIES_DIR, INDEX_FILE, type CorpusEntry, type CorpusIndex } from './corpus';
import { historyToJSON } from './historyJson';

/**
 * `npm run replay:record`: starts its own real stack (Temporal dev server, worker, API), drives
 * every task type and lifecycle path through the HTTP API, and writes each workflow's history to
 * test/replay/histories/ for replay.test.ts. The histories are only worth anything if they were
 * made by the workflow code as committed, so record from a clean tree (index.json says whether it was).
 */

const TASK_QUEUE = 'taskdeck-replay';
// Approval needs authentication; the operator's own tasks need none, so only ada's wait.
const TOKENS = { user: 'replay-user-token-0123', operator: 'replay-operator-token-0123' } as const;
type Caller = keyof typeof TOKENS;
const STACK_ENV = {
  TASKDECK_AUTH_TOKENS: `${TOKENS.user}:ada:user,${TOKENS.operator}:olga:operator`,
  TASKDECK_APPROVAL_TYPES: 'command',
  // Pipelines of more tasks run through segment workflows: the four-task pipelines below do not, the six-task one does.
  TASKDECK_PIPELINE_SEGMENT_TASKS: '4',
};
const DATASET = 'replay-birds';
const RED: [number, number, number] = [250, 20, 20];
const BLUE: [number, number, number] = [20, 20, 250];
/** The dev server's SQLite copes with far more, but nothing here needs starts back to back. */
const START_PACE_MS = 250;

interface Task {
  id: string;
  task_type: string;
  status: string;
  progress: number;
  message: string | null;
  error: string | null;
  result: Record<string, unknown> | null;
}

interface Pipeline {
  id: string;
  status: string;
  tasks: { key: string; id: string }[];
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await sleep(250);
  }
}

const { EventType } = temporal.api.enums.v1;
const WORKFLOW_TASK_EVENTS = new Set([
  EventType.EVENT_TYPE_WORKFLOW_TASK_SCHEDULED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_FAILED,
  EventType.EVENT_TYPE_WORKFLOW_TASK_TIMED_OUT,
]);
const CLOSE_EVENTS = new Map([
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED, 'completed'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, 'failed'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED, 'canceled'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, 'terminated'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT, 'timed_out'],
  [EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW, 'continued_as_new'],
]);

const eventsOf = (history: History) => history.events ?? [];
const closeEventOf = (history: History): string | undefined => CLOSE_EVENTS.get(eventsOf(history).at(-1)?.eventType ?? 0);
/** No workflow task scheduled or running: the history a worker that just lost its cache would replay. */
function settled(history: History): boolean {
  const last = eventsOf(history).findLast((e) => WORKFLOW_TASK_EVENTS.has(e.eventType ?? 0));
  return last?.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED;
}

/** The API as the scenarios use it (every call signed in), and the histories they keep. */
class Recorder {
  readonly entries: CorpusEntry[] = [];

  constructor(
    private readonly apiUrl: string,
    private readonly client: Client,
    private readonly outDir: string,
  ) {}

  async call<T>(path: string, { as = 'operator', json, method }: { as?: Caller; json?: unknown; method?: 'GET' | 'POST' } = {}): Promise<{ status: number; body: T }> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method: method ?? (json === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${TOKENS[as]}`, ...(json !== undefined && { 'content-type': 'application/json' }) },
      body: json === undefined ? undefined : JSON.stringify(json),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async post<T = unknown>(path: string, expected: number, json?: unknown, as: Caller = 'operator'): Promise<T> {
    const res = await this.call<T>(path, { as, json, method: 'POST' });
    if (res.status !== expected) throw new Error(`POST ${path} answered ${res.status}, not ${expected}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async start(type: string, input: Record<string, unknown>, extra: Record<string, unknown> = {}, as: Caller = 'operator'): Promise<Task> {
    await sleep(START_PACE_MS);
    return this.post<Task>('/tasks', 201, { type, input, tag: 'replay', ...extra }, as);
  }

  /** Starts a task's workflow as the Temporal CLI would, past the API's checks; its ID is `<type>-<uuid>` like the API's. */
  async startPastApi(type: string, request: Record<string, unknown>): Promise<string> {
    await sleep(START_PACE_MS);
    const handle = await this.client.workflow.start(type, { taskQueue: TASK_QUEUE, workflowId: `${type}-${randomUUID()}`, args: [{ tag: 'replay', ...request }] });
    return handle.workflowId;
  }

  async startPipeline(body: { name: string; tasks: unknown[] }): Promise<Pipeline> {
    await sleep(START_PACE_MS);
    return this.post<Pipeline>('/pipelines', 201, { tag: 'replay', ...body });
  }

  async task(id: string): Promise<Task> {
    const res = await this.call<Task>(`/tasks/${id}`);
    if (res.status !== 200) throw new Error(`GET /tasks/${id} answered ${res.status}`);
    return res.body;
  }

  /** Waits for the task to show `status` as the API describes it; a scenario that took another path fails here. */
  async reach(id: string, status: string, timeoutMs = 90_000): Promise<Task> {
    const ended = ['completed', 'failed', 'aborted', 'rejected', 'upstream_failed'];
    return waitFor(`task ${id} to be ${status}`, async () => {
      const task = await this.task(id);
      if (task.status === status) return task;
      if (ended.includes(task.status)) throw new Error(`task ${id} ended ${task.status}, not ${status}: ${task.error ?? ''}`);
      return undefined;
    }, timeoutMs);
  }

  async until(id: string, what: string, check: (task: Task) => boolean, timeoutMs = 60_000): Promise<Task> {
    return waitFor(`task ${id}: ${what}`, async () => {
      const task = await this.task(id);
      return check(task) ? task : undefined;
    }, timeoutMs);
  }

  /**
   * Keeps a closed history. The API shows a task ended a moment before its workflow closes (it
   * still releases leases and tells its dependants), so this waits for Temporal's own word.
   */
  async keepClosed(file: string, workflowId: string, scenario: string): Promise<void> {
    const handle = this.client.workflow.getHandle(workflowId);
    await waitFor(`workflow ${workflowId} to close`, async () => (await handle.describe()).status.name !== 'RUNNING', 90_000);
    this.write(file, workflowId, scenario, await handle.fetchHistory());
  }

  /** Keeps the history of a workflow still in flight, taken between workflow tasks. */
  async keepOpen(file: string, workflowId: string, scenario: string): Promise<void> {
    const handle = this.client.workflow.getHandle(workflowId);
    const history = await waitFor(`workflow ${workflowId} to settle`, async () => {
      const h = await handle.fetchHistory();
      return settled(h) ? h : undefined;
    }, 30_000);
    if (closeEventOf(history)) throw new Error(`${file}: workflow ${workflowId} closed before it could be kept open`);
    this.write(file, workflowId, scenario, history);
  }

  private write(file: string, workflowId: string, scenario: string, history: History): void {
    if (this.entries.some((e) => e.file === file)) throw new Error(`${file} is recorded twice`);
    const events = eventsOf(history);
    const workflowType = events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name;
    if (!workflowType) throw new Error(`${file}: the history of ${workflowId} does not start with WorkflowExecutionStarted`);
    // Proto3 JSON, indented: the form other Temporal tools read, and a re-recording diffs line by line.
    writeFileSync(join(this.outDir, file), `${historyToJSON(history)}\n`);
    const closeEvent = closeEventOf(history) ?? null;
    this.entries.push({ file, scenario, workflow_type: workflowType, workflow_id: workflowId, state: closeEvent ? 'closed' : 'open', close_event: closeEvent, events: events.length });
    console.log(`  ${file}: ${workflowType}, ${closeEvent ? `closed (${closeEvent})` : 'open'}, ${events.length} events`);
  }
}

interface Context {
  rec: Recorder;
  /** A scratch folder for media, metadata files and gates. */
  work: string;
}

/** A command that prints a progress line a little over a second apart: the worker reports at most one a second. */
const progressLoop = (steps: number, after = ''): string =>
  `for i in $(seq 1 ${steps}); do echo "PROGRESS $((i*100/${steps})) step $i of ${steps}"; sleep 1.1; done${after}`;
/** A command that runs until its gate file appears. */
const gated = (gate: string): string => `while [ ! -f '${gate}' ]; do sleep 0.2; done; echo through`;

const SCENARIOS: { name: string; run: (ctx: Context) => Promise<void> }[] = [
  {
    name: 'command: completed, failed, aborted, paused and resumed',
    run: async ({ rec }) => {
      const done = await rec.start('command', { command: progressLoop(4), env: { MODE: 'replay' }, timeout_seconds: 300 }, { name: 'progress to 100' });
      await rec.reach(done.id, 'completed');
      await rec.keepClosed('command_completed.json', done.id, 'command with PROGRESS lines (progress upserts), exits 0: completed');

      const failed = await rec.start('command', { command: 'echo "cannot continue" >&2; exit 2' }, { name: 'exits 2' });
      await rec.reach(failed.id, 'failed');
      await rec.keepClosed('command_failed.json', failed.id, 'command that exits 2: failed in running, exit_code 2');

      const aborted = await rec.start('command', { command: 'echo started; sleep 120' }, { name: 'aborted' });
      await rec.reach(aborted.id, 'running');
      await rec.post(`/tasks/${aborted.id}/abort`, 202);
      await rec.reach(aborted.id, 'aborted');
      await rec.keepClosed('command_aborted.json', aborted.id, 'command running sleep, POST /abort: aborted (workflow cancelled)');

      const paused = await rec.start('command', { command: progressLoop(6) }, { name: 'paused and resumed' });
      await rec.until(paused.id, 'running with progress', (t) => t.status === 'running' && t.progress > 0);
      await rec.post(`/tasks/${paused.id}/pause`, 200);
      await sleep(1500);
      await rec.post(`/tasks/${paused.id}/resume`, 200);
      await rec.reach(paused.id, 'completed');
      await rec.keepClosed('command_paused_resumed.json', paused.id, 'command paused while running (pause Update), resumed (resume Update), then completed');
    },
  },
  {
    name: 'approval: approved and rejected',
    run: async ({ rec }) => {
      const approved = await rec.start('command', { command: 'echo approved' }, { name: 'needs approval' }, 'user');
      await rec.reach(approved.id, 'pending_approval');
      await rec.post(`/tasks/${approved.id}/approve`, 200, { note: 'looks fine' });
      await rec.reach(approved.id, 'completed');
      await rec.keepClosed('approval_approved.json', approved.id, "a user's command in pending_approval, approved by an operator with a note (approve Update), then completed");

      const rejected = await rec.start('command', { command: 'echo never runs' }, { name: 'to reject' }, 'user');
      await rec.reach(rejected.id, 'pending_approval');
      await rec.post(`/tasks/${rejected.id}/reject`, 200, { note: 'not on this host' });
      await rec.reach(rejected.id, 'rejected');
      await rec.keepClosed('approval_rejected.json', rejected.id, "a user's command in pending_approval, rejected by an operator with a note (reject Update): rejected");
    },
  },
  {
    name: 'depends_on: upstream failed, upstream completed',
    run: async ({ rec, work }) => {
      const extract = await rec.start('command', { command: 'sleep 1; echo boom >&2; exit 3' }, { name: 'extract' });
      const transform = await rec.start('command', { command: 'echo never runs' }, { name: 'transform', depends_on: [extract.id] });
      await rec.reach(extract.id, 'failed');
      await rec.reach(transform.id, 'upstream_failed');
      await rec.keepClosed('upstream_failed.json', transform.id, 'command with depends_on a command that fails: upstream_failed without running');
      await rec.keepClosed('upstream_failed_cause.json', extract.id, 'the failing upstream command of upstream_failed.json: failed, tells its dependant');

      const gate = join(work, 'invoice-gate');
      const invoice = await rec.start('command', { command: gated(gate) }, { name: 'Generate_Invoice' });
      const email = await rec.start('command', { command: 'echo sent' }, { name: 'Send_Email_Invoice', depends_on: [invoice.id] });
      await rec.until(email.id, 'waiting for its upstream task', (t) => t.status === 'pending' && Boolean(t.message?.startsWith('Waiting for upstream task')));
      writeFileSync(gate, '');
      await rec.reach(email.id, 'completed');
      await rec.keepClosed('upstream_completed.json', email.id, 'command with depends_on a running command: waits pending, then runs and completes once it completed');
      await rec.keepClosed('upstream_completed_cause.json', invoice.id, 'the upstream command of upstream_completed.json: completed, tells its dependant');
    },
  },
  {
    name: 'pipelines: one child fails, aborted',
    run: async ({ rec, work }) => {
      const failing = await rec.startPipeline({
        name: 'nightly invoices',
        tasks: [
          { key: 'generate', type: 'command', input: { command: 'sleep 1; echo generated' } },
          { key: 'render', type: 'command', input: { command: 'echo "cannot render" >&2; exit 4' }, depends_on: ['generate'] },
          { key: 'send', type: 'command', input: { command: 'echo sent' }, depends_on: ['render'] },
          { key: 'archive', type: 'command', input: { command: 'echo archived' }, depends_on: ['generate'] },
        ],
      });
      const idOf = (pipeline: Pipeline, key: string) => pipeline.tasks.find((t) => t.key === key)!.id;
      await rec.reach(idOf(failing, 'send'), 'upstream_failed');
      await rec.reach(idOf(failing, 'archive'), 'completed');
      await rec.keepClosed('pipeline_failed.json', failing.id, 'taskdeck_pipeline of four commands; render fails, send (downstream of it) ends upstream_failed: the pipeline fails');
      await rec.keepClosed('pipeline_failed_generate.json', idOf(failing, 'generate'), 'pipeline_failed.json child generate: completed, two tasks wait for it');
      await rec.keepClosed('pipeline_failed_render.json', idOf(failing, 'render'), 'pipeline_failed.json child render: exits 4, failed');
      await rec.keepClosed('pipeline_failed_send.json', idOf(failing, 'send'), 'pipeline_failed.json child send: depends on render, upstream_failed');
      await rec.keepClosed('pipeline_failed_archive.json', idOf(failing, 'archive'), 'pipeline_failed.json child archive: depends on generate, completed');

      const aborted = await rec.startPipeline({
        name: 'to abort',
        tasks: [
          { key: 'slow', type: 'command', input: { command: gated(join(work, 'never')) } },
          { key: 'after', type: 'command', input: { command: 'echo after' }, depends_on: ['slow'] },
        ],
      });
      await rec.reach(idOf(aborted, 'slow'), 'running');
      await rec.until(idOf(aborted, 'after'), 'waiting for slow', (t) => Boolean(t.message?.startsWith('Waiting for upstream task')));
      await rec.post(`/pipelines/${aborted.id}/abort`, 202);
      await rec.keepClosed('pipeline_aborted.json', aborted.id, 'taskdeck_pipeline of a running command and one waiting for it, aborted (POST /pipelines/:id/abort): cancelled');
      await rec.keepClosed('pipeline_aborted_slow.json', idOf(aborted, 'slow'), 'pipeline_aborted.json child slow: running, cancelled by its parent: aborted');
      await rec.keepClosed('pipeline_aborted_after.json', idOf(aborted, 'after'), 'pipeline_aborted.json child after: waiting for slow, cancelled by its parent');
    },
  },
  {
    name: 'dataset task types',
    run: async ({ rec, work }) => {
      const run = async (file: string, type: string, input: Record<string, unknown>, scenario: string, datasetId: string | null = DATASET, extra: Record<string, unknown> = {}): Promise<Task> => {
        const task = await rec.start(type, input, { ...(datasetId && { dataset_id: datasetId }), ...extra });
        const done = await rec.reach(task.id, 'completed');
        await rec.keepClosed(file, task.id, scenario);
        return done;
      };
      const media = folderWith(join(work, 'birds'), {
        'red-1.png': pngImage(RED, 1),
        'red-2.png': pngImage(RED, 2),
        'blue-1.png': pngImage(BLUE, 1, 24, true),
        'blue-2.png': pngImage(BLUE, 2, 24, true),
      });
      await run('dataset_creation.json', 'dataset_creation', { folder: media }, 'dataset_creation from a local folder of 4 PNGs (GPU-bound: takes the GPU queue)', DATASET, { dataset: 'Birds' });
      const meta = folderWith(join(work, 'meta'), {
        'labels.csv': 'file,label,source\nred-1.png,red,camera\nblue-1.png,blue,camera\n',
        'broken.json': '[{"file": "red-1.png", "label": ',
      });
      await run('custom_metadata.json', 'custom_metadata', { file: join(meta, 'labels.csv') }, 'custom_metadata from a CSV with labels');
      await run('enrichment.json', 'enrichment', {}, 'enrichment of the 4 images');
      await run('label_propagation.json', 'label_propagation', { max_distance: 10 }, 'label_propagation to near-duplicates');
      const snapshot = await run('snapshot_create.json', 'snapshot_create', { name: 'four birds' }, 'snapshot_create of the labelled dataset');
      const snapshotId = (snapshot.result as { id: string }).id;

      const more = folderWith(join(work, 'more'), { 'red-3.png': pngImage(RED, 3), 'blue-3.png': pngImage(BLUE, 3, 24, true) });
      const added = await run('media_addition.json', 'media_addition', { folder: more }, 'media_addition from a local folder; starts its reindex as a child and hands it the dataset lease');
      const followUp = (added.result as { follow_up: string }).follow_up;
      await rec.reach(followUp, 'completed');
      await rec.keepClosed('media_addition_reindex.json', followUp, 'the reindex media_addition.json started (triggered_by, abandoned child): completed');
      await run('reindex.json', 'reindex', {}, 'reindex started through the API');

      await run('snapshot_restore.json', 'snapshot_restore', { snapshot_id: snapshotId }, 'snapshot_restore back to four birds');
      await run('snapshot_clone.json', 'snapshot_clone', { snapshot_id: snapshotId, new_dataset_id: `${DATASET}-clone` }, 'snapshot_clone into a new dataset');
      const model = await run('model_training.json', 'model_training', { model_name: 'bird colour', epochs: 100 }, 'model_training, built-in classifier (GPU-bound)');
      const modelId = (model.result as { id: string }).id;
      await run('training.json', 'training', { model_name: 'alias', epochs: 5 }, 'training (alias of model_training), built-in classifier (GPU-bound)');
      await run('model_validation.json', 'model_validation', { model_id: modelId }, 'model_validation of the trained model');
      await run('evaluation.json', 'evaluation', { model_id: modelId }, 'evaluation (alias of model_validation)');
      await run('synthesis.json', 'synthesis', { count: 3, size: 8, seed: 7 }, 'synthesis of 3 images');
      await run('auto_labeling.json', 'auto_labeling', { max_distance: 10 }, 'auto_labeling: enrichment then label propagation in one task');

      const broken = await rec.start('custom_metadata', { file: join(meta, 'broken.json') }, { dataset_id: DATASET });
      await rec.reach(broken.id, 'failed');
      await rec.keepClosed('custom_metadata_failed.json', broken.id, 'custom_metadata with a malformed JSON file: failed while initializing, the dataset lease given back');

      const upload = folderWith(join(work, 'upload'), { 'red-4.png': pngImage(RED, 4) });
      await run('dataset_upload.json', 'dataset_upload', { folder: upload }, 'dataset_upload (alias of dataset_creation) from a local folder', `${DATASET}-upload`);
      const weights = folderWith(join(work, 'weights'), { 'weights.bin': pngImage(BLUE, 5) });
      await run('model_upload.json', 'model_upload', { name: 'weights', path: join(weights, 'weights.bin') }, 'model_upload of a local file', null);
    },
  },
  {
    name: 'GPU queue: a task waiting behind another',
    run: async ({ rec, work }) => {
      const trace = join(work, 'gpu.log');
      const holder = await rec.start('training', { command: `echo first >> ${trace}; ${progressLoop(6)}` }, { dataset_id: DATASET, name: 'holds the GPU' });
      await rec.reach(holder.id, 'running');
      const waiting = await rec.start('model_training', { command: `echo second >> ${trace}; ${progressLoop(2)}` }, { dataset_id: DATASET, name: 'waits for the GPU' });
      await rec.until(waiting.id, 'waiting for the GPU behind the first', (t) => t.status === 'pending' && t.message === 'Waiting for the GPU, 1 ahead');
      await rec.reach(waiting.id, 'completed');
      await rec.keepClosed('gpu_waiting.json', waiting.id, 'model_training (command) pending behind a training on the GPU ("1 ahead"), then runs: completed');
      await rec.keepClosed('gpu_holder.json', holder.id, 'training (command) holding the GPU while another waits: completed, releases it');
    },
  },
  {
    name: 'open histories: running, pending approval, waiting for upstream, paused',
    run: async ({ rec, work }) => {
      const running = await rec.start('command', { command: progressLoop(3, '; sleep 600') }, { name: 'still running' });
      await rec.until(running.id, 'progress 100 printed, still running', (t) => t.status === 'running' && t.progress === 100);
      await rec.keepOpen('open_command_running.json', running.id, 'command still running (sleep) after printing progress to 100: OPEN');

      const pending = await rec.start('command', { command: 'echo waits for approval' }, { name: 'awaiting approval' }, 'user');
      await rec.reach(pending.id, 'pending_approval');
      await rec.keepOpen('open_pending_approval.json', pending.id, "a user's command pending approval: OPEN");

      const upstream = await rec.start('command', { command: gated(join(work, 'never')) }, { name: 'upstream' });
      const downstream = await rec.start('command', { command: 'echo never runs' }, { name: 'downstream', depends_on: [upstream.id] });
      await rec.reach(upstream.id, 'running');
      await rec.until(downstream.id, 'waiting for its upstream task', (t) => t.status === 'pending' && Boolean(t.message?.startsWith('Waiting for upstream task')));
      await rec.keepOpen('open_waiting_upstream.json', downstream.id, 'command pending, waiting for a running upstream command (depends_on): OPEN');

      const paused = await rec.start('command', { command: progressLoop(2, '; sleep 600') }, { name: 'paused' });
      await rec.until(paused.id, 'running with progress', (t) => t.status === 'running' && t.progress > 0);
      await rec.post(`/tasks/${paused.id}/pause`, 200);
      await rec.reach(paused.id, 'paused');
      await rec.keepOpen('open_paused.json', paused.id, 'command paused while running: OPEN');

      // Cleaned up so the stack stops with nothing running; the histories above are already kept.
      for (const id of [running.id, pending.id, upstream.id, paused.id]) await rec.post(`/tasks/${id}/abort`, 202);
      for (const id of [running.id, pending.id, upstream.id, paused.id]) await rec.reach(id, 'aborted');
      await rec.reach(downstream.id, 'upstream_failed');
    },
  },
  {
    name: 'nodes and resources, a segmented pipeline, a bulk retry',
    run: async ({ rec, work }) => {
      // A command asking for a core: assigning until the allocator grants it, then on its node's own queue.
      const placed = await rec.start('command', { command: 'nproc' }, { name: 'one core', cpu_cores: 1 });
      await rec.reach(placed.id, 'completed');
      await rec.keepClosed('placed_command.json', placed.id, 'command asking for 1 core: assigning, granted by the resource allocator, runs on <queue>@<node> pinned to it; its agent in the memo');
      // A dataset task given a target node: every store activity of it on that node's queue.
      const { body: nodes } = await rec.call<{ name: string }[]>('/nodes');
      const targeted = await rec.start('reindex', {}, { dataset_id: DATASET, target_node: nodes[0].name, name: 'reindex on a node' });
      await rec.reach(targeted.id, 'completed');
      await rec.keepClosed('targeted_reindex.json', targeted.id, 'reindex with a target_node: assigning, then its store activities and cleanup on <queue>@<node>');
      // A GPU-bound task with a target node, which the API refuses, started past it: the allocator refuses it the GPU slot.
      const folder = folderWith(join(work, 'targeted'), { 'red-5.png': pngImage(RED, 5) });
      const refused = await rec.startPastApi('dataset_creation', { input: { folder }, dataset_id: `${DATASET}-targeted`, target_node: nodes[0].name });
      await rec.reach(refused, 'failed');
      await rec.keepClosed('gpu_target_node_refused.json', refused, 'dataset_creation with a target_node, started past the API: refused the GPU slot by the allocator, failed while pending');

      // Six tasks, segment size 4: the tasks come in signals and run through two segment workflows.
      const segmented = await rec.startPipeline({
        name: 'segmented',
        tasks: Array.from({ length: 6 }, (_, i) => ({ key: `step-${i}`, type: 'command', input: { command: `echo step ${i}` }, ...(i > 0 && { depends_on: [`step-${i - 1}`] }) })),
      });
      await rec.reach(segmented.tasks.at(-1)!.id, 'completed');
      await rec.keepClosed('pipeline_segmented.json', segmented.id, 'taskdeck_pipeline of six chained commands above its segment size (4): tasks in signals, two segments: completed');
      await rec.keepClosed('pipeline_segment.json', pipelineSegmentId(segmented.id, 0), 'the first segment of pipeline_segmented.json: starts four tasks, tells the pipeline, waits for them');

      // A bulk retry of two failed tasks: the background task that retries them one by one.
      const failed = await Promise.all(['first', 'second'].map((name) => rec.start('command', { command: `echo ${name} fails; exit 1` }, { name: `bulk ${name}`, tag: 'replay-bulk' })));
      for (const task of failed) await rec.reach(task.id, 'failed');
      // A bulk action picks its tasks from the API's index, which may list them as running a moment longer.
      await waitFor('the index to list both failed', async () => {
        const { body: rows } = await rec.call<Task[]>('/tasks?tag=replay-bulk&limit=100');
        return failed.every((task) => rows.some((row) => row.id === task.id && row.status === 'failed'));
      });
      const outcome = await rec.post<{ job_id: string }>('/tasks/bulk/retry', 202, { ids: failed.map((t) => t.id) });
      await rec.keepClosed('bulk_retry.json', outcome.job_id, 'taskdeck_bulk_retry of two failed commands: retries each through the API worker\'s activity, with progress');
    },
  },
  {
    name: 'entity workflows: the dataset and the resource allocator',
    run: async ({ rec }) => {
      await rec.keepOpen('dataset_entity.json', datasetEntityId(DATASET), `datasetEntity of ${DATASET} after every write above (acquire Updates, release signals, a handover): OPEN`);
      // The GPU rule is the allocator's GPU slot now; gpuQueue histories stay in the older recording.
      await rec.keepOpen('resource_allocator.json', allocatorId(TASK_QUEUE), 'resourceAllocator of the task queue after the GPU-bound tasks, the placed tasks and the node joins above: OPEN');
    },
  },
];

/** The commit the histories were made with, and whether the workflow code differed from it. */
function codeVersion(): { commit: string; dirty: boolean } {
  const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
  return { commit: git('rev-parse', 'HEAD'), dirty: git('status', '--porcelain', '--', 'workflows', 'core', 'activities').length > 0 };
}

/**
 * Swaps the new recording in only once every scenario ran: a recorder that fails halfway leaves
 * the corpus as it was. Subfolders (recordings kept from before a patched() change) stay.
 */
function replaceRecording(staging: string): void {
  mkdirSync(HISTORIES_DIR, { recursive: true });
  for (const entry of readdirSync(HISTORIES_DIR, { withFileTypes: true })) {
    if (entry.isFile() && entry.name.endsWith('.json')) rmSync(join(HISTORIES_DIR, entry.name));
  }
  for (const name of readdirSync(staging)) renameSync(join(staging, name), join(HISTORIES_DIR, name));
}

async function main(): Promise<void> {
  const began = Date.now();
  const version = codeVersion();
  if (version.dirty) console.warn('replay:record: workflows/, core/ or activities/ have uncommitted changes; index.json will say so');
  // Without an encryption key: the corpus stays readable, and replay.test.ts replays it through the
  // codec of a worker that has one (unencrypted payloads pass through it).
  const stack = await startStack('replay', TASK_QUEUE, STACK_ENV, { encrypt: false });
  const work = tempDir('replay-work');
  const staging = tempDir('replay-histories');
  const connection = await Connection.connect({ address: stack.temporalAddress });
  try {
    const rec = new Recorder(stack.apiUrl, new Client({ connection }), staging);
    for (const scenario of SCENARIOS) {
      const at = Date.now();
      console.log(`${scenario.name}`);
      await scenario.run({ rec, work });
      console.log(`  (${((Date.now() - at) / 1000).toFixed(1)} s)`);
    }
    const index: CorpusIndex = {
      recorded_at: new Date().toISOString(),
      commit: version.commit,
      workflow_code_dirty: version.dirty,
      sdk_version: (JSON.parse(readFileSync(join(ROOT, 'node_modules/@temporalio/worker/package.json'), 'utf8')) as { version: string }).version,
      histories: rec.entries,
    };
    writeFileSync(join(staging, INDEX_FILE), `${JSON.stringify(index, null, 2)}\n`);
    replaceRecording(staging);
    const open = rec.entries.filter((e) => e.state === 'open').length;
    console.log(`replay:record: ${rec.entries.length} histories (${open} open) in ${HISTORIES_DIR}, ${((Date.now() - began) / 1000).toFixed(0)} s`);
  } finally {
    await connection.close();
    await stack.stop();
    removeDir(work);
    removeDir(staging);
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
