// Per-node work items (`node.pending.enqueue` → the node drains them): in memory, bounded, expiring.

export const WORK_TYPES = ["status.request", "location.request"] as const;
/** Items kept per node; the oldest is dropped beyond it (a node that never drains cannot grow memory). */
export const MAX_WORK_PER_NODE = 50;

export interface WorkItem {
  id: string;
  type: (typeof WORK_TYPES)[number];
  priority: "default" | "normal" | "high";
  createdAtMs: number;
  expiresAtMs?: number | null;
}

export class WorkQueue {
  readonly #items = new Map<string, WorkItem[]>();
  readonly #revisions = new Map<string, number>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  revision(nodeId: string): number {
    return this.#revisions.get(nodeId) ?? 0;
  }

  enqueue(nodeId: string, type: WorkItem["type"], priority: "normal" | "high", expiresInMs?: number): WorkItem {
    const now = this.#now();
    const item: WorkItem = { id: crypto.randomUUID(), type, priority, createdAtMs: now, expiresAtMs: expiresInMs ? now + expiresInMs : null };
    const list = this.#live(nodeId);
    list.push(item);
    if (list.length > MAX_WORK_PER_NODE) list.splice(0, list.length - MAX_WORK_PER_NODE);
    this.#items.set(nodeId, list);
    this.#revisions.set(nodeId, this.revision(nodeId) + 1);
    return item;
  }

  /** Takes up to `max` items, high priority first. */
  drain(nodeId: string, max: number): { items: WorkItem[]; hasMore: boolean } {
    const list = this.#live(nodeId).sort((a, b) => Number(b.priority === "high") - Number(a.priority === "high") || a.createdAtMs - b.createdAtMs);
    const items = list.splice(0, max);
    this.#items.set(nodeId, list);
    if (items.length > 0) this.#revisions.set(nodeId, this.revision(nodeId) + 1);
    return { items, hasMore: list.length > 0 };
  }

  forget(nodeId: string): void {
    this.#items.delete(nodeId);
  }

  #live(nodeId: string): WorkItem[] {
    const now = this.#now();
    return (this.#items.get(nodeId) ?? []).filter((i) => !i.expiresAtMs || i.expiresAtMs > now);
  }
}
