// Connected nodes and the invokes in flight to them: node.invoke sends `node.invoke.request` to one node
// connection and waits (bounded, with a timeout) for its `node.invoke.result`.
import type { ClientView, GatewayView } from "../surface/types.ts";

/** The reference's default wait for a node's answer. */
export const DEFAULT_INVOKE_TIMEOUT_MS = 30_000;
/** Invokes waiting at once across all nodes; beyond it a call is refused, never queued. */
export const MAX_PENDING_INVOKES = 1024;

/** What a node's answer (or its absence) turned into. */
export type InvokeOutcome = { ok: true; payload: unknown; payloadJSON: string | null } | { ok: false; error: { code?: string; message?: string } };

/** One connected node as node.list shows it live. */
export interface ConnectedNode {
  nodeId: string;
  connId: string;
  client: ClientView;
  /** What the connect declared (its string entries), read once per connection for every invoke and listing. */
  caps: string[];
  commands: string[];
  connectedAtMs: number;
  /** The latest `node.host.stats` of this connection, stamped with the gateway's receipt time. */
  hostStats?: Record<string, unknown>;
  /** Recent local input (`node.presence.activity`), on the gateway's clock. */
  lastActiveAtMs?: number;
  presenceUpdatedAtMs?: number;
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

interface Waiting {
  nodeId: string;
  connId: string;
  settle(outcome: InvokeOutcome): void;
  timer: ReturnType<typeof setTimeout>;
}

export class NodeRegistry {
  readonly #nodes = new Map<string, ConnectedNode>();
  readonly #waiting = new Map<string, Waiting>();
  readonly #lastDisconnect = new Map<string, number>();
  readonly #core: GatewayView;

  constructor(core: GatewayView) {
    this.#core = core;
  }

  /** A node connection got hello-ok; a newer connection of the same node replaces the older one. */
  connected(client: ClientView, now: number): void {
    if (client.role !== "node" || !client.deviceId) return;
    const { caps, commands } = client.connect;
    this.#nodes.set(client.deviceId, { nodeId: client.deviceId, connId: client.connId, client, caps: strings(caps), commands: strings(commands), connectedAtMs: now });
  }

  /** A connection left: its node goes offline and whatever waited on it fails at once. */
  disconnected(client: ClientView, now: number): void {
    if (client.role !== "node" || !client.deviceId) return;
    const node = this.#nodes.get(client.deviceId);
    if (node?.connId === client.connId) {
      this.#nodes.delete(client.deviceId);
      this.#lastDisconnect.set(client.deviceId, now);
    }
    for (const [id, waiting] of this.#waiting) {
      if (waiting.connId === client.connId) this.#finish(id, { ok: false, error: { code: "NOT_CONNECTED", message: "node disconnected" } });
    }
  }

  get(nodeId: string): ConnectedNode | undefined {
    return this.#nodes.get(nodeId);
  }

  list(): ConnectedNode[] {
    return [...this.#nodes.values()];
  }

  lastDisconnectedAt(nodeId: string): number | undefined {
    return this.#lastDisconnect.get(nodeId);
  }

  /** Sends the request to the node and resolves with its result, the timeout, or its disconnect. */
  invoke(node: ConnectedNode, request: { command: string; params: unknown; timeoutMs?: number; idempotencyKey: string; sessionKey?: string }, onSent?: () => void): Promise<InvokeOutcome> {
    if (this.#waiting.size >= MAX_PENDING_INVOKES) return Promise.resolve({ ok: false, error: { code: "UNAVAILABLE", message: "too many node invokes in flight" } });
    const id = crypto.randomUUID();
    const timeoutMs = request.timeoutMs !== undefined && request.timeoutMs > 0 ? request.timeoutMs : DEFAULT_INVOKE_TIMEOUT_MS;
    return new Promise<InvokeOutcome>((resolve) => {
      const timer = setTimeout(() => this.#finish(id, { ok: false, error: { code: "TIMEOUT", message: "node invoke timed out" } }), timeoutMs);
      this.#waiting.set(id, { nodeId: node.nodeId, connId: node.connId, settle: resolve, timer });
      const sent = this.#core.sendTo(node.connId, "node.invoke.request", {
        id,
        nodeId: node.nodeId,
        command: request.command,
        paramsJSON: request.params === undefined ? null : JSON.stringify(request.params),
        timeoutMs,
        idempotencyKey: request.idempotencyKey,
        ...(request.sessionKey ? { sessionKey: request.sessionKey } : {}),
      });
      if (!sent) this.#finish(id, { ok: false, error: { code: "NOT_CONNECTED", message: "node not connected" } });
      else onSent?.();
    });
  }

  /** A node's `node.invoke.result`; false when nothing waits for it (late or foreign). */
  result(id: string, nodeId: string, connId: string, outcome: InvokeOutcome): boolean {
    const waiting = this.#waiting.get(id);
    if (!waiting || waiting.nodeId !== nodeId || waiting.connId !== connId) return false;
    this.#finish(id, outcome);
    return true;
  }

  #finish(id: string, outcome: InvokeOutcome): void {
    const waiting = this.#waiting.get(id);
    if (!waiting) return;
    this.#waiting.delete(id);
    clearTimeout(waiting.timer);
    waiting.settle(outcome);
  }

  /** Fails everything still waiting (gateway stop). */
  close(): void {
    for (const id of [...this.#waiting.keys()]) this.#finish(id, { ok: false, error: { code: "UNAVAILABLE", message: "gateway stopping" } });
  }
}
