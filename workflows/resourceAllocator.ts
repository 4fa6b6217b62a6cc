import { allHandlersFinished, condition, continueAsNew, getExternalWorkflowHandle, patched, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { TaskActivities } from '../activities';
import {
  ALLOCATOR_CHECKS_ASIDE,
  SLOT_REFUSES_TARGET_NODE,
  allocatorStateQuery,
  neverFits,
  nodeJoinSignal,
  resourceNewsSignal,
  resourceReleaseSignal,
  resourceRequestSignal,
  tryGrant,
  waitingMessage,
  type AllocatorState,
  type ResourceAsk,
  type ResourceNews,
} from '../core';

/** How often, while anything is held or waited for, the allocator asks Temporal which nodes' workers are up. */
const LIVENESS_CHECK = '5 seconds';
/** A node that joined this recently is up even before Temporal lists its worker's first heartbeat. */
const JOIN_GRACE_MS = 30_000;
/** Every this many liveness checks, holders are checked too: a terminated task never releases. */
const HOLDER_CHECK_EVERY = 6;

// Quick calls (ListWorkers, a describe). Runs started before ALLOCATOR_CHECKS_ASIDE wait for them,
// and with them every grant: one taken by a worker that was just killed must time out in seconds,
// not hold grants for 90 s (3 attempts of 30 s did, while the suite's node test killed its node).
// Options are not part of what replay compares, so this needs no patch.
const { nodeLiveness, isTaskOpen } = proxyActivities<TaskActivities>({ startToCloseTimeout: '5 seconds', retry: { maximumAttempts: 3 } });

/**
 * The nodes of one task queue and who holds their cores, memory and GPUs (workflow ID
 * `taskdeck-resources:<queue>`, not a task type). Workers join with what they have; tasks send a
 * request and hear back a grant, why they wait, a refusal, or that their node was lost. Signals
 * are handled one at a time, so two tasks never get the same core: twenty asking for the last one
 * get it one after another, first come first served. A node whose worker Temporal no longer
 * sees is marked down, its holders are freed and told, so they can run again elsewhere or wait.
 * Those checks run beside the loop, so no grant waits for Temporal to answer one.
 */
export async function resourceAllocator(initial: AllocatorState): Promise<void> {
  const state: AllocatorState = { nodes: { ...initial.nodes }, holders: [...initial.holders], waiting: [...initial.waiting] };
  const told = new Map<string, string>();
  let changed = true;
  let checks = 0;
  // Runs started before the patch waited for each check and each signal; their histories hold that order.
  const aside = patched(ALLOCATOR_CHECKS_ASIDE);
  // Waiting messages count the tasks ahead, which move on every grant and release.

  setHandler(allocatorStateQuery, () => state);
  setHandler(nodeJoinSignal, (capacity) => {
    state.nodes[capacity.name] = { ...capacity, alive: true, joined_at: new Date().toISOString(), lost_at: null };
    changed = true;
  });
  setHandler(resourceRequestSignal, (ask) => {
    if (!state.holders.some((h) => h.task_id === ask.task_id) && !state.waiting.some((w) => w.task_id === ask.task_id)) state.waiting.push(ask);
    changed = true;
  });
  setHandler(resourceReleaseSignal, ({ task_id }) => {
    state.holders = state.holders.filter((h) => h.task_id !== task_id);
    state.waiting = state.waiting.filter((w) => w.task_id !== task_id);
    told.delete(task_id);
    changed = true;
  });

  const tell = async (taskId: string, news: ResourceNews): Promise<boolean> => {
    try {
      await getExternalWorkflowHandle(taskId).signal(resourceNewsSignal, news);
      return true;
    } catch {
      // The task is gone (closed without releasing): forget it.
      const held = state.holders.some((h) => h.task_id === taskId);
      state.holders = state.holders.filter((h) => h.task_id !== taskId);
      state.waiting = state.waiting.filter((w) => w.task_id !== taskId);
      told.delete(taskId);
      // What it held is free for the others now (runs before the patch left that to the next change).
      if (held && aside) changed = true;
      return false;
    }
  };

  /** Grants what can be granted, in arrival order, and tells the others why they wait. */
  const assign = async (): Promise<void> => {
    // Every task's news goes out in the same workflow task: one round trip to the server for the
    // pass, not one per task (the pass decides from the state alone, so nothing needs an answer first).
    const sending: Promise<boolean>[] = [];
    const send = (taskId: string, news: ResourceNews): Promise<unknown> => {
      const sent = tell(taskId, news);
      if (!aside) return sent;
      sending.push(sent);
      return Promise.resolve();
    };
    for (const ask of [...state.waiting]) {
      if (!state.waiting.includes(ask)) continue;
      const refusal = refusalOf(state, ask) ?? (ask.exclusive && ask.target_node && patched(SLOT_REFUSES_TARGET_NODE) ? slotRefusal(ask.exclusive) : undefined);
      if (refusal) {
        state.waiting = state.waiting.filter((w) => w !== ask);
        await send(ask.task_id, { kind: 'refused', message: refusal });
        continue;
      }
      const grant = tryGrant(state, ask, new Date().toISOString());
      if (grant) {
        state.waiting = state.waiting.filter((w) => w !== ask);
        state.holders.push(grant);
        told.delete(ask.task_id);
        await send(ask.task_id, { kind: 'granted', grant });
        continue;
      }
      // For a slot, its holder counts as ahead too: "1 ahead" is the task running now.
      const holding = ask.exclusive ? state.holders.filter((h) => h.exclusive === ask.exclusive).length : 0;
      const ahead = holding + state.waiting.slice(0, state.waiting.indexOf(ask)).filter((w) => (w.exclusive ?? '') === (ask.exclusive ?? '')).length;
      const message = waitingMessage(state, ask, ahead);
      if (told.get(ask.task_id) === message) continue;
      // A task that is gone is forgotten, with what it was told.
      told.set(ask.task_id, message);
      await send(ask.task_id, { kind: 'waiting', message });
    }
    await Promise.all(sending);
  };

  /** Asks Temporal whose workers are up; a node found down frees what its tasks held and tells them. */
  const checkNodes = async (): Promise<void> => {
    const names = Object.keys(state.nodes);
    const liveness = names.length ? await nodeLiveness(names) : {};
    for (const name of names) {
      const node = state.nodes[name];
      // A worker that just joined may not have sent its first heartbeat yet.
      const alive = (liveness[name] ?? false) || (node.alive && Date.now() - Date.parse(node.joined_at) < JOIN_GRACE_MS);
      if (alive === node.alive) continue;
      changed = true;
      state.nodes[name] = { ...node, alive, lost_at: alive ? null : new Date().toISOString() };
      if (alive) continue;
      const lost = state.holders.filter((h) => h.node === name);
      state.holders = state.holders.filter((h) => h.node !== name);
      for (const holder of lost) await tell(holder.task_id, { kind: 'lost', node: name });
    }
    if (++checks % HOLDER_CHECK_EVERY === 0 && state.waiting.length > 0) {
      for (const holder of [...state.holders]) {
        if (!(await isTaskOpen(holder.task_id))) {
          state.holders = state.holders.filter((h) => h !== holder);
          changed = true;
        }
      }
    }
  };

  /** The check running beside the loop, if one is; there is never more than one. */
  let checking: Promise<void> | undefined;
  while (!workflowInfo().continueAsNewSuggested) {
    if (changed) {
      // Cleared before assigning: a request or release arriving meanwhile must set it again.
      changed = false;
      await assign();
      continue;
    }
    const busy = state.holders.length > 0 || state.waiting.length > 0;
    const moved = busy ? await condition(() => changed, LIVENESS_CHECK) : (await condition(() => changed), true);
    if (moved) continue;
    if (!aside) await checkNodes();
    // A check that failed (its activity timed out three times) changed nothing; the next one asks again.
    else checking ??= checkNodes().then(
      () => void (checking = undefined),
      () => void (checking = undefined),
    );
  }
  // What a check in flight finds is part of the state the next run starts from.
  await checking;
  await condition(allHandlersFinished);
  await continueAsNew<typeof resourceAllocator>(state);
}

/** Why a task that names a target node cannot have a cluster-wide slot: it belongs to no node. */
function slotRefusal(slot: string): string {
  return `target_node: a ${slot}-bound task waits for the cluster's one ${slot} slot, which no node holds; it cannot be given a target node`;
}

/** Why no node can ever satisfy an ask, naming the field; undefined while one could. */
function refusalOf(state: AllocatorState, ask: ResourceAsk): string | undefined {
  const nodes = Object.values(state.nodes);
  if (ask.target_node) {
    const node = state.nodes[ask.target_node];
    const why = node && neverFits(node, ask);
    return why ? `${why.field}: ${why.reason}` : undefined;
  }
  if (nodes.length === 0) return undefined;
  const reasons = nodes.map((n) => neverFits(n, ask));
  if (reasons.some((r) => r === undefined)) return undefined;
  return `${reasons[0]!.field}: no node can ever satisfy it (${reasons.map((r) => r!.reason).join('; ')})`;
}
