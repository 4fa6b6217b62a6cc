/**
 * Nodes and resources: a node is a worker process (or the workers of one host sharing a name)
 * with its cores, memory and GPUs; a task may target one and ask for cores, memory and GPUs. The
 * resource allocator workflow (workflows/resourceAllocator.ts) grants them with the pure rules
 * below, one request at a time, so two tasks can never be granted the same core. Pure: the
 * workflow sandbox, the API and the browser read it alike.
 */

/** What a node declares when its worker starts. */
export interface NodeCapacity {
  name: string;
  cores: number;
  memory_mb: number;
  /** GPU indices, as CUDA numbers them. */
  gpus: number[];
  /** The task queues its worker polls. */
  task_queues: string[];
}

/** A node as the allocator knows it: what it declared and whether Temporal still sees its worker. */
export interface NodeRecord extends NodeCapacity {
  alive: boolean;
  joined_at: string;
  /** When the allocator found its worker gone; null while alive. */
  lost_at: string | null;
}

/** What a task asks for. */
export interface ResourceAsk {
  task_id: string;
  target_node?: string;
  cpu_cores?: number;
  memory_mb?: number;
  gpu_ids?: number[];
  gpu_count?: number;
  /** A cluster-wide slot of which only one exists, on no node (GPU-bound task types: one at a time). */
  exclusive?: string;
}

/** What a task was given: the node, and there the cores, memory and GPUs it holds. */
export interface ResourceGrant {
  task_id: string;
  node: string;
  /** Core indices the process is pinned to; empty when it asked for no cores. */
  cores: number[];
  memory_mb: number | null;
  gpus: number[];
  exclusive?: string;
  at: string;
}

/** What a process is held to on its node: the granted cores, memory and GPUs. */
export interface ProcessLimits {
  cores: number[];
  memory_mb: number | null;
  gpus: number[];
}

export interface AllocatorState {
  nodes: Record<string, NodeRecord>;
  holders: ResourceGrant[];
  /** Requests not granted yet, first come first served. */
  waiting: ResourceAsk[];
}

/** The allocator's workflow ID: one per task queue, so separate deployments do not share it. */
export const allocatorId = (taskQueue: string): string => `taskdeck-resources:${taskQueue}`;

/** The task queue only one node's worker polls (Temporal's worker-specific task queue pattern). */
export const nodeTaskQueue = (taskQueue: string, node: string): string => `${taskQueue}@${node}`;

/** Whether a task's meta asks for placement at all; tasks that do not run wherever a worker polls. */
export function asksForPlacement(meta: { target_node?: string; cpu_cores?: number; memory_mb?: number; gpu_ids?: number[]; gpu_count?: number }): boolean {
  return Boolean(meta.target_node || meta.cpu_cores || meta.memory_mb || meta.gpu_ids?.length || meta.gpu_count);
}

/** Why a node can never satisfy an ask (its capacity, not its load), or undefined when it can. */
export function neverFits(node: NodeCapacity, ask: Omit<ResourceAsk, 'task_id'>): { field: string; reason: string } | undefined {
  if (ask.cpu_cores && ask.cpu_cores > node.cores) return { field: 'cpu_cores', reason: `${node.name} has ${node.cores} cores` };
  if (ask.memory_mb && ask.memory_mb > node.memory_mb) return { field: 'memory', reason: `${node.name} has ${node.memory_mb} MB` };
  const missing = (ask.gpu_ids ?? []).filter((id) => !node.gpus.includes(id));
  if (missing.length) return { field: 'gpu_ids', reason: `${node.name} has no GPU ${missing.join(', ')}` };
  if (ask.gpu_count && ask.gpu_count > node.gpus.length) return { field: 'gpu_count', reason: `${node.name} has ${node.gpus.length} GPUs` };
  return undefined;
}

/** What a node has free now. */
export function freeOn(state: AllocatorState, node: NodeRecord): { cores: number[]; memory_mb: number; gpus: number[] } {
  const held = state.holders.filter((h) => h.node === node.name);
  const usedCores = new Set(held.flatMap((h) => h.cores));
  const usedGpus = new Set(held.flatMap((h) => h.gpus));
  return {
    cores: Array.from({ length: node.cores }, (_, i) => i).filter((i) => !usedCores.has(i)),
    memory_mb: node.memory_mb - held.reduce((sum, h) => sum + (h.memory_mb ?? 0), 0),
    gpus: node.gpus.filter((g) => !usedGpus.has(g)),
  };
}

/**
 * The grant an ask gets now, or undefined when it must wait: on its target node, else on the
 * live node with the most free cores (then memory) that has all it asks for.
 */
export function tryGrant(state: AllocatorState, ask: ResourceAsk, at: string): ResourceGrant | undefined {
  // A cluster-wide slot belongs to no node: the work of its holder runs where its type says.
  if (ask.exclusive) {
    if (state.holders.some((h) => h.exclusive === ask.exclusive)) return undefined;
    return { task_id: ask.task_id, node: '', cores: [], memory_mb: null, gpus: [], exclusive: ask.exclusive, at };
  }
  const candidates = Object.values(state.nodes)
    .filter((n) => n.alive && (!ask.target_node || n.name === ask.target_node))
    .map((node) => ({ node, free: freeOn(state, node) }))
    .filter(({ free }) => fitsFree(free, ask))
    .sort((a, b) => b.free.cores.length - a.free.cores.length || b.free.memory_mb - a.free.memory_mb || a.node.name.localeCompare(b.node.name));
  const best = candidates[0];
  if (!best) return undefined;
  const gpus = ask.gpu_ids?.length ? [...ask.gpu_ids] : best.free.gpus.slice(0, ask.gpu_count ?? 0);
  return {
    task_id: ask.task_id,
    node: best.node.name,
    cores: best.free.cores.slice(0, ask.cpu_cores ?? 0),
    memory_mb: ask.memory_mb ?? null,
    gpus,
    at,
  };
}

function fitsFree(free: { cores: number[]; memory_mb: number; gpus: number[] }, ask: ResourceAsk): boolean {
  if ((ask.cpu_cores ?? 0) > free.cores.length) return false;
  if ((ask.memory_mb ?? 0) > free.memory_mb) return false;
  if (ask.gpu_ids?.some((g) => !free.gpus.includes(g))) return false;
  return (ask.gpu_count ?? 0) <= free.gpus.length;
}

/** What a waiting task shows as its message: what it waits for, and where. */
export function waitingMessage(state: AllocatorState, ask: ResourceAsk, ahead: number): string {
  if (ask.exclusive) return `Waiting for the ${ask.exclusive}${ahead ? `, ${ahead} ahead` : ''}`;
  if (ask.target_node) {
    const node = state.nodes[ask.target_node];
    if (!node) return `Waiting for node ${ask.target_node} to join`;
    if (!node.alive) return `Node ${ask.target_node} is down; waiting for it to come back`;
  } else if (!Object.values(state.nodes).some((n) => n.alive)) {
    return 'Waiting for a node: none is up';
  }
  const parts = [
    ask.cpu_cores ? `${ask.cpu_cores} ${ask.cpu_cores === 1 ? 'core' : 'cores'}` : '',
    ask.memory_mb ? `${ask.memory_mb} MB` : '',
    ask.gpu_ids?.length ? `GPU ${ask.gpu_ids.join(', ')}` : ask.gpu_count ? `${ask.gpu_count} GPU${ask.gpu_count > 1 ? 's' : ''}` : '',
  ].filter(Boolean);
  return `Waiting for ${parts.join(', ') || 'a node'}${ask.target_node ? ` on ${ask.target_node}` : ''}${ahead ? ` (${ahead} ahead)` : ''}`;
}

const UNITS: Record<string, number> = { '': 1, m: 1, mb: 1, mib: 1, g: 1024, gb: 1024, gib: 1024, t: 1024 * 1024, tb: 1024 * 1024, tib: 1024 * 1024 };

/** The rule `memory` follows, for error messages and the form. */
export const MEMORY_RULE = 'memory must be a size like 512MB, 2GB or 1.5G (megabytes when no unit is given)';

/** Megabytes of a memory size (`512MB`, `2GB`, `1.5G`, `512`), or undefined when it is not one. */
export function parseMemoryMb(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return undefined;
  const unit = UNITS[match[2].toLowerCase()];
  if (unit === undefined) return undefined;
  const mb = Math.round(Number(match[1]) * unit);
  return mb >= 1 && Number.isSafeInteger(mb) ? mb : undefined;
}

/** A size for people: `512 MB`, `2 GB`. */
export function formatMemoryMb(mb: number): string {
  return mb >= 1024 && mb % 1024 === 0 ? `${mb / 1024} GB` : `${mb} MB`;
}
