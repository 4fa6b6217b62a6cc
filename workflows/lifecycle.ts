import {
  ApplicationFailure,
  CancellationScope,
  type ActivityOptions,
  ParentClosePolicy,
  condition,
  getExternalWorkflowHandle,
  isCancellation,
  patched,
  proxyActivities,
  setHandler,
  startChild,
  upsertMemo,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import type { TaskActivities } from '../activities';
import { placedNode } from './store';
import { describeFailure } from '../plugin/src/failures';
import { TaskTracker } from '../plugin/src/tracker';
import { Dependants, upstreamFailureMessage, waitForUpstream } from '../plugin/src/upstream';
import {
  CLEAR_WAITING_MESSAGE,
  AGENT_MEMO,
  GPU_BY_ALLOCATOR,
  SA,
  TASK_TYPES,
  agentSignal,
  allocatorId,
  asksForPlacement,
  datasetEntityId,
  gpuPositionSignal,
  gpuQueueId,
  gpuReleaseSignal,
  isExclusive,
  isFinished,
  approveUpdate,
  newTaskStart,
  nodeTaskQueue,
  pauseUpdate,
  rejectUpdate,
  resumeUpdate,
  releaseDatasetSignal,
  resourceNewsSignal,
  resourceReleaseSignal,
  taskMeta,
  type ApprovalRequest,
  type PlacementMemo,
  type ReleaseDatasetRequest,
  type ResourceGrant,
  type TaskMeta,
  type TaskFailure,
  type TaskMemo,
  type TaskRequest,
  type TaskState,
  type TaskStatus,
  type TaskTypeDefinition,
  type TaskTypeId,
} from '../core';

/** The failure type of a rejected task; its status search attribute says rejected. */
const REJECTED = 'TaskRejected';
/** The failure type of a task that did not run because a task it depends on did not complete. */
const UPSTREAM_FAILED = 'UpstreamFailed';

/** The two phases every task type supplies; the runner owns everything around them. */
export interface TaskPhases<Input, Prepared, Result> {
  /** Validation, downloads, preparation: the task shows `initializing`. `placement`: see `run`. */
  initialize(input: Input, placement?: ResourceGrant): Promise<Prepared>;
  /**
   * The work itself: the task shows `running`; activities report progress meanwhile. A task that
   * asked for a node or resources gets its `placement`, and runs its activities on that node.
   */
  run(prepared: Prepared, placement?: ResourceGrant): Promise<Result>;
  /** Whether the dataset's index is complete after the task completed, when the task changes it. */
  indexedAfter?(result: Result): boolean | undefined;
  /** A task to start when this one completes; it takes over this task's dataset lease atomically. */
  followUp?(input: Input, result: Result): { type: TaskTypeId; input: unknown } | undefined;
  /** Removes what the task staged, on every path (completed, failed, aborted). */
  cleanup?(): Promise<void>;
}

const { acquireDatasetLease, requestGpu, requestResources } = proxyActivities<TaskActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 5 },
});

const { inspectUpstream } = proxyActivities<TaskActivities>({
  startToCloseTimeout: '1 minute',
  retry: { maximumAttempts: 10 },
});

/**
 * Runs a task through the one lifecycle shared by every type:
 * pending → initializing → running → completed | failed | aborted.
 * Each transition is timestamped in the detail query and mirrored in search attributes, so the
 * task shows correctly in Taskdeck however it was started (API, Temporal CLI, any client).
 * Abort is Temporal cancellation: it reaches the running activity, which stops its work.
 */
export async function runTask<Input, Prepared, Result>(
  typeId: TaskTypeId,
  request: TaskRequest<unknown>,
  phases: TaskPhases<Input, Prepared, Result>,
): Promise<Result> {
  return new TaskLifecycle(typeId, request).run(phases);
}

/**
 * One task's lifecycle: its state, the handlers operators and activities reach it by (progress,
 * pause, resume, approve, reject, the detail query), and the run through its phases. Every status
 * change goes through `record`, the one place that writes the state, the search attributes, the
 * memo and the Temporal Web UI's details.
 *
 * Workflow code is replayed: the order of the upserts below is what recorded histories hold
 * (test/replay). Change it only behind `patched()`.
 */
class TaskLifecycle {
  /** The plugin's record of the task: state, search attributes, memo, the Temporal UI's details. */
  private readonly tracker: TaskTracker<TaskMeta>;
  private readonly state: TaskState;
  private readonly meta: TaskMeta;
  private readonly metaError: string | undefined;
  private readonly dependants = new Dependants();
  private agent: string | undefined;
  /** Set when the allocator says the node this task runs on was lost. */
  private lostNode: string | undefined;
  /** The node the task's work was last placed on, for its cleanup. */
  private placedOn: string | undefined;

  constructor(
    private readonly typeId: TaskTypeId,
    request: TaskRequest<unknown>,
  ) {
    const { input: rawInput, ...rawMeta } = request ?? ({} as TaskRequest);
    const metaCheck = taskMeta.safeParse(rawMeta);
    this.meta = metaCheck.success ? metaCheck.data : {};
    this.metaError = metaCheck.success ? undefined : metaCheck.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    // A task that needs approval lists as pending_approval from its first moment.
    const initial: TaskStatus = this.meta.needs_approval ? 'pending_approval' : 'pending';
    this.tracker = new TaskTracker(typeId, initial, rawInput, this.meta);
    this.state = this.tracker.state;
    setHandler(pauseUpdate, () => this.pause(), { validator: () => this.mayPause() });
    setHandler(resumeUpdate, () => this.resume(), { validator: () => this.mayResume() });
    setHandler(approveUpdate, (request) => this.approve(request), { validator: (_request: ApprovalRequest) => this.mayDecide() });
    setHandler(rejectUpdate, (request) => this.reject(request), { validator: (_request: ApprovalRequest) => this.mayDecide() });
    setHandler(agentSignal, (agent) => this.recordAgent(agent));
  }

  /** The worker running the task's activities, kept in the memo after the task ends. */
  private recordAgent(agent: string): void {
    // A signal sent by a newer worker to a task whose history an older one wrote must replay as
    // it ran there: without the memo upsert.
    if (agent === this.agent || !patched(AGENT_MEMO)) return;
    this.agent = agent;
    upsertMemo({ agent } satisfies TaskMemo);
  }

  async run<Input, Prepared, Result>(phases: TaskPhases<Input, Prepared, Result>): Promise<Result> {
    const { state, meta } = this;
    const initial = state.timeline[0].status;
    // A task started by any client lists as pending with its labels before it waits for anything.
    // The status is the state's, not `initial`: an approve or reject Update sent right after the
    // start is handled as its handler is set, before this line runs.
    const start = newTaskStart(this.typeId, meta);
    upsertSearchAttributes(start.searchAttributes.map((pair) => (pair.key.name === SA.status.name ? { key: SA.status, value: state.status } : pair)));
    if (Object.keys(start.memo).length > 0) upsertMemo(start.memo);

    const definition: TaskTypeDefinition = TASK_TYPES[this.typeId];
    const inputCheck = definition.input.safeParse(state.input);
    const leases = new Leases(workflowInfo().workflowId, workflowInfo().taskQueue, meta);
    try {
      if (initial === 'pending_approval') {
        // The decision may already be in (see above): then there is nothing to wait for.
        if (!state.approval) {
          this.tracker.waitingFor('Waiting for approval');
          await condition(() => state.approval !== null);
        }
        if (state.approval?.decision === 'rejected') {
          throw ApplicationFailure.create({ type: REJECTED, message: state.error!.message, nonRetryable: true, details: [state.error] });
        }
      }
      if (meta.depends_on?.length) {
        const failure = await waitForUpstream(meta.depends_on, (message) => this.tracker.waitingFor(message), inspectUpstream);
        if (failure) {
          const message = upstreamFailureMessage(failure);
          this.fail('upstream_failed', { message, step: 'pending' });
          throw ApplicationFailure.create({ type: UPSTREAM_FAILED, message, nonRetryable: true, details: [state.error] });
        }
      }
      if (this.metaError === undefined && inputCheck.success) {
        // Pending covers waiting for the dataset and the GPU: no duration accumulates meanwhile.
        await leases.acquire(definition, (message) => this.tracker.waitingFor(message));
      }
      // A task asking for a node or resources waits in `assigning` until the allocator grants them.
      const placed = this.metaError === undefined && inputCheck.success && asksForPlacement(meta);
      let placement = placed ? await this.assign(leases) : undefined;
      this.placedOn = placement?.node;
      const startedAt = new Date();
      state.started_at = startedAt.toISOString();
      // What the task waited for (approval, upstream tasks, its dataset, the GPU) no longer holds:
      // the message is cleared, so a task that runs and fails does not keep "Waiting for upstream
      // task". One memo upsert more, so only for runs that record the patch's marker.
      const clearMessage = state.message !== null && patched(CLEAR_WAITING_MESSAGE);
      if (clearMessage) state.message = null;
      this.tracker.record('initializing', {
        attributes: [
          { key: SA.startedAt, value: startedAt },
          { key: SA.progress, value: 0 },
        ],
        ...((clearMessage || placement) && { memo: { ...(clearMessage && { message: null }), ...(placement && placementMemo(placement)) } }),
      });
      if (this.metaError !== undefined) {
        throw ApplicationFailure.create({ message: `Invalid task metadata: ${this.metaError}`, nonRetryable: true });
      }
      if (!inputCheck.success) {
        throw ApplicationFailure.create({
          message: `Invalid input: ${inputCheck.error.issues.map((i) => `${['input', ...i.path].join('.')}: ${i.message}`).join('; ')}`,
          nonRetryable: true,
        });
      }
      state.input = inputCheck.data;
      let result: Result;
      if (!placement) {
        result = await this.work(phases, inputCheck.data as Input);
      } else {
        // The node may be lost while the task runs there: then it is assigned again and runs
        // again, elsewhere or, when it targets that node, once the node is back.
        for (;;) {
          const outcome = await this.workOn(phases, inputCheck.data as Input, placement);
          if (outcome.done) {
            result = outcome.result;
            break;
          }
          placement = await this.assign(leases);
          this.placedOn = placement.node;
          this.tracker.record('initializing', { memo: placementMemo(placement) });
        }
      }
      state.result = result ?? null;
      state.progress = 100;
      state.exit_code = exitCodeOf(result);
      const next = phases.followUp?.(inputCheck.data as Input, result);
      if (next) {
        const followUp = await leases.handOver(next, phases.indexedAfter?.(result));
        state.result = { ...(result as object), follow_up: followUp };
      } else {
        await leases.release(phases.indexedAfter?.(result));
      }
      state.message ??= 'Done';
      this.tracker.record('completed', { attributes: [{ key: SA.progress, value: 100 }], memo: { message: state.message, exit_code: state.exit_code } });
      return result;
    } catch (err) {
      // Already recorded (by the reject Update, or the upstream check): the status says why.
      if (err instanceof ApplicationFailure && (err.type === REJECTED || err.type === UPSTREAM_FAILED)) throw err;
      // Give the dataset back before the task shows as ended: whoever sees `failed` or `aborted`
      // may retry at once, and must not find the dataset still held by this task.
      await CancellationScope.nonCancellable(() => leases.release(undefined));
      if (isCancellation(err)) {
        this.tracker.record('aborted');
        throw err;
      }
      const failure = describeFailure(err, state.status);
      state.exit_code = failure.exit_code ?? null;
      this.fail('failed', failure);
      throw ApplicationFailure.create({ type: 'TaskFailed', message: failure.message, nonRetryable: true, details: [failure] });
    } finally {
      // Failed and aborted tasks leave the dataset as it was: no outcome, just the release.
      await CancellationScope.nonCancellable(async () => {
        await leases.release(undefined);
        // The staging folder is where the work ran: on the task's node when it was placed.
        const node = this.placedOn;
        if (phases.cleanup) await (node ? placedNode.run(node, () => phases.cleanup!()) : phases.cleanup());
      });
      // Tasks waiting for this one learn how it ended; an unexpected end counts as failed.
      await CancellationScope.nonCancellable(() => this.dependants.ended(isFinished(state.status) ? state.status : 'failed'));
    }
  }

  /** Initializing, then running: a task's work once it may start. */
  private async work<Input, Prepared, Result>(phases: TaskPhases<Input, Prepared, Result>, input: Input, placement?: ResourceGrant): Promise<Result> {
    const { state } = this;
    // A placed task's store activities go to its node (workflows/store.ts); a command's own phases say so themselves.
    const onItsNode = <T>(step: () => Promise<T>): Promise<T> => (placement ? placedNode.run(placement.node, step) : step());
    const prepared = await onItsNode(() => phases.initialize(input, placement));
    // A task paused while initializing starts running only once resumed.
    await condition(() => state.status !== 'paused');
    // Running counts its own 0-100: the bar showed initialization until now.
    state.progress = 0;
    this.tracker.record('running', { attributes: [{ key: SA.progress, value: 0 }] });
    return placement ? onItsNode(() => phases.run(prepared, placement)) : phases.run(prepared);
  }

  /** The work on a granted node; stopped, not failed, when the allocator says the node was lost. */
  private async workOn<Input, Prepared, Result>(
    phases: TaskPhases<Input, Prepared, Result>,
    input: Input,
    placement: ResourceGrant,
  ): Promise<{ done: true; result: Result } | { done: false }> {
    const attempt = new CancellationScope();
    let lost = false;
    // An abort cancels this wait too: that rejection is expected, not a failure of the workflow.
    condition(() => this.lostNode === placement.node).then(
      () => {
        lost = true;
        attempt.cancel();
      },
      () => undefined,
    );
    try {
      return { done: true, result: await attempt.run(() => this.work(phases, input, placement)) };
    } catch (err) {
      if (!lost || !isCancellation(err) || CancellationScope.current().consideredCancelled) throw err;
      return { done: false };
    }
  }

  /**
   * Asks the allocator for a node and resources and waits, in `assigning`, for its grant; what it
   * says meanwhile (why the task waits) is the task's message. A request no node can ever satisfy
   * fails the task with the allocator's reason.
   */
  private async assign(leases: Leases): Promise<ResourceGrant> {
    const { meta } = this;
    let grant: ResourceGrant | undefined;
    let refusal: string | undefined;
    const lostBefore = this.lostNode;
    setHandler(resourceNewsSignal, (news) => {
      if (news.kind === 'granted') grant = news.grant;
      else if (news.kind === 'waiting') this.tracker.waitingFor(news.message);
      else if (news.kind === 'refused') refusal = news.message;
      else if (news.kind === 'lost') this.lostNode = news.node;
    });
    this.tracker.record('assigning', lostBefore ? { memo: { message: `Node ${lostBefore} was lost; assigning again`, node: null, allocation: null } as PlacementMemo as TaskMemo } : {});
    this.lostNode = undefined;
    leases.resources = true;
    await requestResources({
      task_id: workflowInfo().workflowId,
      target_node: meta.target_node,
      cpu_cores: meta.cpu_cores,
      memory_mb: meta.memory_mb,
      gpu_ids: meta.gpu_ids,
      gpu_count: meta.gpu_count,
    });
    await condition(() => grant !== undefined || refusal !== undefined);
    if (refusal !== undefined) throw ApplicationFailure.create({ type: 'Unassignable', message: `No node can run this task: ${refusal}`, nonRetryable: true });
    return grant!;
  }

  /** Ends the task without success, with the error its page and the table show. */
  private fail(status: 'failed' | 'upstream_failed' | 'rejected', failure: TaskFailure): void {
    this.state.error = failure;
    if (status !== 'failed') this.state.message = failure.message;
    const memo: TaskMemo =
      status === 'failed'
        ? { error: failure.message, failed_step: failure.step, exit_code: this.state.exit_code }
        : { message: failure.message, error: failure.message, failed_step: failure.step };
    this.tracker.record(status, { memo });
  }

  private mayPause(): void {
    const { status } = this.state;
    if (status !== 'initializing' && status !== 'running') throw new Error(`Only an initializing or running task can be paused; this one is ${status}`);
  }

  private pause(): TaskState {
    this.tracker.pausedFrom = this.state.status as 'initializing' | 'running';
    this.state.paused_at = new Date().toISOString();
    this.tracker.record('paused', { memo: { paused_ms: this.state.paused_ms, paused_at: this.state.paused_at } });
    return this.state;
  }

  private mayResume(): void {
    if (this.state.status !== 'paused') throw new Error(`Only a paused task can be resumed; this one is ${this.state.status}`);
  }

  private resume(): TaskState {
    const pausedAt = this.state.paused_at ? Date.parse(this.state.paused_at) : Date.now();
    this.state.paused_ms += Math.max(0, Date.now() - pausedAt);
    this.state.paused_at = null;
    const back = this.tracker.pausedFrom ?? 'running';
    this.tracker.pausedFrom = undefined;
    this.tracker.record(back, { memo: { paused_ms: this.state.paused_ms, paused_at: null } });
    return this.state;
  }

  private mayDecide(): void {
    if (this.state.status !== 'pending_approval') {
      throw new Error(`Only a task pending approval can be approved or rejected; this one is ${this.state.status}`);
    }
  }

  private approve({ by, note }: ApprovalRequest): TaskState {
    this.state.approval = { decision: 'approved', by, at: new Date().toISOString(), note: note ?? null };
    // The note first, then the status: the order the histories of approved tasks hold.
    this.tracker.note(`Approved by ${by}${note ? `: ${note}` : ''}`);
    this.tracker.record('pending');
    return this.state;
  }

  private reject({ by, note }: ApprovalRequest): TaskState {
    this.state.approval = { decision: 'rejected', by, at: new Date().toISOString(), note: note ?? null };
    this.fail('rejected', { message: `Rejected by ${by}${note ? `: ${note}` : ''}`, step: 'pending_approval' });
    return this.state;
  }
}

/**
 * The dataset lease and the GPU lease of one task. Both are taken while the task is pending and
 * given back when it ends, on every path; releasing twice is harmless.
 */
class Leases {
  private dataset: string | undefined;
  private gpu = false;
  /** Whether the task asked the resource allocator for a node (and may hold one). */
  resources = false;

  constructor(
    private readonly taskId: string,
    private readonly taskQueue: string,
    private readonly meta: TaskMeta,
  ) {}

  async acquire(definition: TaskTypeDefinition, wait: (message: string) => void): Promise<void> {
    const datasetId = this.meta.dataset_id;
    if (definition.dataset !== 'none' && !datasetId) {
      throw ApplicationFailure.create({ message: `A ${definition.label} task needs dataset_id`, nonRetryable: true });
    }
    if (datasetId && isExclusive(definition.access)) {
      // The API took the lease before starting the task; this is the same idempotent request, so a
      // task started from the Temporal CLI or any client obeys the same rules.
      const outcome = await acquireDatasetLease({ dataset_id: datasetId, task_type: definition.id, access: definition.access });
      if (!outcome.ok) {
        throw ApplicationFailure.create({ type: 'DatasetBusy', message: `Dataset ${datasetId}: ${outcome.message}`, nonRetryable: true });
      }
      this.dataset = datasetId;
    }
    if (definition.resource === 'gpu' && patched(GPU_BY_ALLOCATOR)) {
      await this.takeSlot('GPU', wait);
    } else if (definition.resource === 'gpu') {
      let position = Infinity;
      setHandler(gpuPositionSignal, (update) => void (position = update.position));
      this.gpu = true;
      await requestGpu({ task_id: this.taskId });
      wait('Waiting for the GPU');
      while (position !== 0) {
        const seen = position;
        if (Number.isFinite(seen)) wait(`Waiting for the GPU, ${seen} ahead`);
        await condition(() => position !== seen);
      }
    }
  }

  /**
   * Takes a cluster-wide slot of the resource allocator (the GPU: one GPU-bound task at a time),
   * waiting in pending with its place in line; the same release as a node's resources gives it back.
   * A slot is on no node, so the allocator refuses it to a task that names a target node (the API
   * refuses such a task at submit; one started another way fails here, without taking the slot).
   */
  private async takeSlot(slot: string, wait: (message: string) => void): Promise<void> {
    let granted = false;
    let refusal: string | undefined;
    setHandler(resourceNewsSignal, (news) => {
      if (news.kind === 'granted') granted = true;
      else if (news.kind === 'waiting') wait(news.message);
      else if (news.kind === 'refused') refusal = news.message;
    });
    this.resources = true;
    await requestResources({ task_id: this.taskId, exclusive: slot, target_node: this.meta.target_node });
    if (!granted && refusal === undefined) wait(`Waiting for the ${slot}`);
    await condition(() => granted || refusal !== undefined);
    if (refusal !== undefined) throw ApplicationFailure.create({ type: 'Unassignable', message: `The ${slot} slot was refused: ${refusal}`, nonRetryable: true });
  }

  async release(indexed: boolean | undefined): Promise<void> {
    await this.releaseResources();
    await this.releaseGpu();
    await this.releaseDataset({ task_id: this.taskId, indexed });
  }

  /** Starts the follow-up task, which takes over the dataset lease before it exists, so nothing slips in between. */
  async handOver(next: { type: TaskTypeId; input: unknown }, indexed: boolean | undefined): Promise<string> {
    await this.releaseResources();
    await this.releaseGpu();
    const childId = uuid4();
    await this.releaseDataset({ task_id: this.taskId, indexed, handover_to: { task_id: childId, task_type: next.type } });
    // The follow-up is part of this task's work: it waits for nothing but this task, which was
    // approved already if it had to be.
    const meta: TaskMeta = { ...this.meta, name: undefined, retry_of: undefined, depends_on: undefined, needs_approval: undefined, triggered_by: this.taskId };
    const start = newTaskStart(next.type, meta);
    await startChild(next.type, {
      workflowId: childId,
      args: [{ input: next.input, ...meta }],
      // The follow-up outlives this task; it is a task of its own in the table.
      parentClosePolicy: ParentClosePolicy.ABANDON,
      typedSearchAttributes: start.searchAttributes,
      memo: start.memo,
      staticSummary: start.summary,
    });
    return childId;
  }

  private async releaseResources(): Promise<void> {
    if (!this.resources) return;
    this.resources = false;
    await getExternalWorkflowHandle(allocatorId(this.taskQueue)).signal(resourceReleaseSignal, { task_id: this.taskId });
  }

  private async releaseGpu(): Promise<void> {
    if (!this.gpu) return;
    this.gpu = false;
    await getExternalWorkflowHandle(gpuQueueId(this.taskQueue)).signal(gpuReleaseSignal, { task_id: this.taskId });
  }

  private async releaseDataset(request: ReleaseDatasetRequest): Promise<void> {
    const datasetId = this.dataset;
    if (!datasetId) return;
    this.dataset = undefined;
    await getExternalWorkflowHandle(datasetEntityId(datasetId)).signal(releaseDatasetSignal, request);
  }
}

/** Where a task runs and what it holds there, for its row. */
function placementMemo(grant: ResourceGrant): TaskMemo {
  const memo: PlacementMemo = { node: grant.node, allocation: { cores: grant.cores, memory_mb: grant.memory_mb, gpus: grant.gpus } };
  return { ...memo, message: `Assigned to ${grant.node}` } as PlacementMemo as TaskMemo;
}

/** Activity options with the task queue of the node a task was placed on. */
export function onNode<T extends ActivityOptions>(placement: ResourceGrant, options: T): T & { taskQueue: string } {
  return { ...options, taskQueue: nodeTaskQueue(workflowInfo().taskQueue, placement.node) };
}

function exitCodeOf(result: unknown): number | null {
  if (result && typeof result === 'object' && 'exit_code' in result) {
    const code = (result as { exit_code: unknown }).exit_code;
    if (typeof code === 'number') return code;
  }
  return null;
}
