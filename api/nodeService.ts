import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { allocatorId, allocatorStateQuery, freeOn, neverFits, type AllocatorState, type TaskMeta } from '../core';
import type { NodeInfo } from '../core/contract';
import { nodesHealth } from '../runtime/nodes';
import { HttpError, conflict, notFound } from './errors';

/** The allocator must answer quickly: the nodes page and every start with a target wait for it. */
const QUERY_TIMEOUT_MS = 5000;
/** Starts arriving together share one look at the nodes (a query and a ListWorkers call), this fresh. */
const SHARED_MS = 1000;

/**
 * The nodes as Temporal knows them: what each declared and who holds what, from the resource
 * allocator workflow's query, and whether its worker is up, from the server's worker heartbeats or
 * the pollers of its own task queue. Nothing is kept here.
 */
export class NodeService {
  private recent: { at: number; nodes: Promise<NodeInfo[]> } | undefined;

  constructor(
    private readonly client: Client,
    private readonly taskQueue: string,
  ) {}

  /** The nodes by name; calls within SHARED_MS of each other share one answer. */
  list(): Promise<NodeInfo[]> {
    if (this.recent && Date.now() - this.recent.at < SHARED_MS) return this.recent.nodes;
    const nodes = this.load();
    this.recent = { at: Date.now(), nodes };
    nodes.catch(() => {
      if (this.recent?.nodes === nodes) this.recent = undefined;
    });
    return nodes;
  }

  private async load(): Promise<NodeInfo[]> {
    const state = await this.state();
    const names = Object.keys(state.nodes).sort();
    const health = names.length ? await nodesHealth(this.client, this.taskQueue, names) : {};
    return names.map((name) => {
      const node = state.nodes[name];
      const free = freeOn(state, node);
      const h = health[name];
      const usedCores = node.cores - free.cores.length;
      return {
        name,
        alive: h?.alive ?? false,
        last_seen: h?.last_seen ?? null,
        health_source: h?.source ?? 'worker heartbeat',
        workers: h?.workers ?? [],
        task_queues: node.task_queues,
        cores: node.cores,
        memory_mb: node.memory_mb,
        gpus: node.gpus,
        used: { cores: usedCores, memory_mb: node.memory_mb - free.memory_mb, gpus: node.gpus.filter((g) => !free.gpus.includes(g)) },
        load: node.cores ? usedCores / node.cores : 0,
        joined_at: node.joined_at,
        lost_at: node.lost_at,
        tasks: state.holders
          .filter((holder) => holder.node === name)
          .map((holder) => ({ task_id: holder.task_id, cores: holder.cores, memory_mb: holder.memory_mb, gpus: holder.gpus, since: holder.at })),
        waiting: state.waiting.filter((ask) => ask.target_node === name).length,
      };
    });
  }

  async get(name: string): Promise<NodeInfo> {
    const node = (await this.list()).find((n) => n.name === name);
    if (!node) throw notFound(`Node ${name}`);
    return node;
  }

  /**
   * Refuses at submit what could only wait forever: a target node nobody knows (400) or that is
   * down (409), and resources more than the target, or every node, has (400 naming the field).
   * Whether they are free now is the allocator's business, race-free, not this check's.
   */
  async check(meta: TaskMeta, at: string[] = []): Promise<void> {
    const field = (name: string): string => [...at, name].join('.');
    // An allocator too busy to answer in time must not stop starts: it refuses the impossible itself.
    const nodes = await this.list().catch((err: unknown) => {
      console.warn(`taskdeck api: starting without the node check: ${(err as Error).message}`);
      return undefined;
    });
    if (!nodes) return;
    const ask = { cpu_cores: meta.cpu_cores, memory_mb: meta.memory_mb, gpu_ids: meta.gpu_ids, gpu_count: meta.gpu_count };
    if (meta.target_node) {
      const node = nodes.find((n) => n.name === meta.target_node);
      if (!node) {
        const known = nodes.map((n) => n.name).join(', ') || 'none';
        throw new HttpError(400, `${field('target_node')}: no node named ${meta.target_node}; known: ${known}`, field('target_node'));
      }
      if (!node.alive) {
        throw conflict(`${field('target_node')}: node ${node.name} is down (last seen ${node.last_seen ?? 'never'})`, { field: field('target_node') });
      }
      const why = neverFits(node, ask);
      if (why) throw new HttpError(400, `${field(why.field)}: ${why.reason}`, field(why.field));
      return;
    }
    if (nodes.length === 0) return;
    const reasons = nodes.map((node) => neverFits(node, ask));
    if (reasons.every(Boolean)) {
      const first = reasons[0]!;
      throw new HttpError(400, `${field(first.field)}: no node can ever satisfy it (${reasons.map((r) => r!.reason).join('; ')})`, field(first.field));
    }
  }

  private async state(): Promise<AllocatorState> {
    try {
      return await this.client.withDeadline(Date.now() + QUERY_TIMEOUT_MS, () => this.client.workflow.getHandle(allocatorId(this.taskQueue)).query(allocatorStateQuery));
    } catch (err) {
      // No worker has started yet: no nodes.
      if (err instanceof WorkflowNotFoundError) return { nodes: {}, holders: [], waiting: [] };
      throw err;
    }
  }
}
