// Node actions waiting for a node to come back to the foreground: an invoke an iOS node refused with
// NODE_BACKGROUND_UNAVAILABLE is kept here; the node pulls them (`node.pending.pull`) when it returns and acks
// the ones it ran (`node.pending.ack`). In memory, per node, bounded and expiring, as the reference keeps them.

/** How long a queued action stays pullable. */
export const PENDING_ACTION_TTL_MS = 10 * 60_000;
/** Actions kept per node; the oldest are dropped beyond it. */
export const PENDING_ACTIONS_PER_NODE = 64;
/** Nodes with queued actions at once; the node with the oldest queue is dropped beyond it. */
export const PENDING_ACTION_NODES = 1024;

export interface PendingAction {
  id: string;
  nodeId: string;
  command: string;
  paramsJSON?: string;
  idempotencyKey: string;
  enqueuedAtMs: number;
}

export class PendingActions {
  readonly #byNode = new Map<string, PendingAction[]>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Queues an action; a repeat with the same idempotency key returns the queued one. */
  enqueue(nodeId: string, input: { command: string; paramsJSON?: string; idempotencyKey: string }): { action: PendingAction; created: boolean } {
    const queue = this.list(nodeId);
    const existing = queue.find((a) => a.idempotencyKey === input.idempotencyKey);
    if (existing) return { action: existing, created: false };
    const action: PendingAction = { id: crypto.randomUUID(), nodeId, ...input, enqueuedAtMs: this.#now() };
    queue.push(action);
    if (queue.length > PENDING_ACTIONS_PER_NODE) queue.splice(0, queue.length - PENDING_ACTIONS_PER_NODE);
    this.#byNode.delete(nodeId);
    this.#byNode.set(nodeId, queue);
    while (this.#byNode.size > PENDING_ACTION_NODES) this.#byNode.delete(this.#byNode.keys().next().value!);
    return { action, created: true };
  }

  /** The live (unexpired) actions of a node, oldest first. */
  list(nodeId: string): PendingAction[] {
    const cutoff = this.#now() - PENDING_ACTION_TTL_MS;
    const live = (this.#byNode.get(nodeId) ?? []).filter((a) => a.enqueuedAtMs >= cutoff);
    if (live.length === 0) this.#byNode.delete(nodeId);
    else this.#byNode.set(nodeId, live);
    return [...live];
  }

  /** Keeps only these of a node's actions (policy changed since they were queued). */
  replace(nodeId: string, keep: PendingAction[]): void {
    if (keep.length === 0) this.#byNode.delete(nodeId);
    else this.#byNode.set(nodeId, keep);
  }

  /** Removes the acked ids; returns what remains. */
  ack(nodeId: string, ids: readonly string[]): PendingAction[] {
    const drop = new Set(ids);
    const remaining = this.list(nodeId).filter((a) => !drop.has(a.id));
    this.replace(nodeId, remaining);
    return remaining;
  }

  /** A removed node's queue goes with it. */
  forget(nodeId: string): void {
    this.#byNode.delete(nodeId);
  }
}
