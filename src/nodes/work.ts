// Per-node work items (`node.pending.enqueue` → the node drains them with `node.pending.drain`), as the reference
// keeps them: in memory, one item per type (a repeat is deduped), expiring (24 h unless told), high priority
// first, and a baseline `status.request` every drain carries when no explicit one is queued.

export const WORK_TYPES = ["status.request", "location.request"] as const;
/** Items kept per node; the oldest is dropped beyond it (there are only two types, so this never bites today). */
export const MAX_WORK_PER_NODE = 50;
/** Nodes with queued work at once; the node with the oldest queue is dropped beyond it. */
export const MAX_WORK_NODES = 1024;
export const DEFAULT_WORK_TTL_MS = 86_400_000;
export const DEFAULT_DRAIN_ITEMS = 4;
export const MAX_DRAIN_ITEMS = 10;
const BASELINE_ID = "baseline-status";
const RANK = { high: 3, normal: 2, default: 1 } as const;

export interface WorkItem {
  id: string;
  type: (typeof WORK_TYPES)[number];
  priority: "default" | "normal" | "high";
  createdAtMs: number;
  expiresAtMs: number | null;
}

interface NodeWork {
  revision: number;
  items: Map<string, WorkItem>;
}

export class WorkQueue {
  readonly #nodes = new Map<string, NodeWork>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Queues one item of this type; `deduped` when one is queued already (the queued one is returned). */
  enqueue(nodeId: string, type: WorkItem["type"], priority: "normal" | "high" = "normal", expiresInMs?: number): { revision: number; item: WorkItem; deduped: boolean } {
    const state = this.#state(nodeId, true)!;
    const existing = [...state.items.values()].find((i) => i.type === type);
    if (existing) return { revision: state.revision, item: existing, deduped: true };
    const now = this.#now();
    const item: WorkItem = { id: crypto.randomUUID(), type, priority, createdAtMs: now, expiresAtMs: now + Math.max(1000, expiresInMs ?? DEFAULT_WORK_TTL_MS) };
    const list = [...state.items.values(), item];
    state.items = new Map(list.slice(-MAX_WORK_PER_NODE).map((i) => [i.id, i]));
    state.revision += 1;
    this.#nodes.delete(nodeId);
    this.#nodes.set(nodeId, state);
    while (this.#nodes.size > MAX_WORK_NODES) this.#nodes.delete(this.#nodes.keys().next().value!);
    return { revision: state.revision, item, deduped: false };
  }

  /** Takes up to `maxItems` (default 4, at most 10), high priority first, plus the baseline status request. */
  drain(nodeId: string, maxItems?: number): { revision: number; items: WorkItem[]; hasMore: boolean } {
    const state = this.#state(nodeId, false);
    const max = Math.min(MAX_DRAIN_ITEMS, Math.max(1, Math.trunc(maxItems ?? DEFAULT_DRAIN_ITEMS)));
    const queued = state ? [...state.items.values()].sort((a, b) => RANK[b.priority] - RANK[a.priority] || a.createdAtMs - b.createdAtMs || a.id.localeCompare(b.id)) : [];
    const items = queued.slice(0, max);
    const baseline = !queued.some((i) => i.type === "status.request");
    if (baseline && items.length < max) items.push({ id: BASELINE_ID, type: "status.request", priority: "default", createdAtMs: this.#now(), expiresAtMs: null });
    const taken = items.filter((i) => i.id !== BASELINE_ID);
    if (state && taken.length > 0) {
      for (const item of taken) state.items.delete(item.id);
      state.revision += 1;
      if (state.items.size === 0) this.#nodes.delete(nodeId);
    }
    const baselineLeft = baseline && !items.some((i) => i.id === BASELINE_ID);
    return { revision: state?.revision ?? 0, items, hasMore: queued.length > taken.length || baselineLeft };
  }

  /** A removed node's work goes with it. */
  forget(nodeId: string): void {
    this.#nodes.delete(nodeId);
  }

  /** The node's state with expired items pruned (created on demand for enqueue). */
  #state(nodeId: string, create: boolean): NodeWork | undefined {
    let state = this.#nodes.get(nodeId);
    if (!state) {
      if (!create) return undefined;
      state = { revision: 0, items: new Map() };
      this.#nodes.set(nodeId, state);
    }
    const now = this.#now();
    let pruned = false;
    for (const [id, item] of state.items) {
      if (item.expiresAtMs !== null && item.expiresAtMs <= now) {
        state.items.delete(id);
        pruned = true;
      }
    }
    if (pruned) state.revision += 1;
    return state;
  }
}
