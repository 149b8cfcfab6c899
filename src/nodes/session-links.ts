// What ties a node connection to sessions: the chats it subscribed to (`chat.subscribe` node events: it then
// receives that session's `chat` and `agent` events) and the `system.run` invokes whose `exec.*` events it may
// report. Both are bounded and die with the connection.

/** Session keys one node connection may follow. */
export const MAX_CHAT_SUBSCRIPTIONS_PER_CONN = 64;
/** system.run invokes remembered at once; the oldest is forgotten beyond it. */
export const MAX_EXEC_AUTHORIZATIONS = 2048;
/** How long after its own timeout a system.run may still report (the reference's grace). */
export const EXEC_EVENT_GRACE_MS = 300_000;

/** Node connections following sessions' chat events. */
export class ChatFollowers {
  readonly #byConn = new Map<string, Set<string>>();

  subscribe(connId: string, sessionKey: string): boolean {
    const keys = this.#byConn.get(connId) ?? new Set<string>();
    if (!keys.has(sessionKey) && keys.size >= MAX_CHAT_SUBSCRIPTIONS_PER_CONN) return false;
    keys.add(sessionKey);
    this.#byConn.set(connId, keys);
    return true;
  }

  unsubscribe(connId: string, sessionKey: string): void {
    const keys = this.#byConn.get(connId);
    keys?.delete(sessionKey);
    if (keys?.size === 0) this.#byConn.delete(connId);
  }

  follows(connId: string, sessionKey: string): boolean {
    return this.#byConn.get(connId)?.has(sessionKey) === true;
  }

  any(): boolean {
    return this.#byConn.size > 0;
  }

  drop(connId: string): void {
    this.#byConn.delete(connId);
  }
}

interface ExecAuthorization {
  nodeId: string;
  connId: string;
  runId: string;
  sessionKey?: string;
  expiresAtMs: number | null;
}

/** system.run invokes sent to a node: only their run ids may come back as exec.started/finished/denied. */
export class ExecAuthorizations {
  readonly #entries = new Map<string, ExecAuthorization>();
  readonly #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  remember(entry: { nodeId: string; connId: string; runId: string; sessionKey?: string; timeoutMs?: number }): void {
    this.#prune();
    const expiresAtMs = typeof entry.timeoutMs === "number" ? this.#now() + entry.timeoutMs + EXEC_EVENT_GRACE_MS : null;
    const key = `${entry.nodeId}\0${entry.connId}\0${entry.sessionKey ?? ""}\0${entry.runId}`;
    this.#entries.delete(key);
    this.#entries.set(key, { nodeId: entry.nodeId, connId: entry.connId, runId: entry.runId, sessionKey: entry.sessionKey, expiresAtMs });
    while (this.#entries.size > MAX_EXEC_AUTHORIZATIONS) this.#entries.delete(this.#entries.keys().next().value!);
  }

  /** True when this node connection was sent this run (for this session); a terminal event uses it up. */
  authorize(params: { nodeId: string; connId?: string; runId: string; sessionKey: string; terminal: boolean }): boolean {
    if (!params.connId || !params.runId) return false;
    this.#prune();
    for (const [key, e] of this.#entries) {
      if (e.nodeId !== params.nodeId || e.connId !== params.connId || e.runId !== params.runId) continue;
      if (e.sessionKey && e.sessionKey !== params.sessionKey) continue;
      if (params.terminal) this.#entries.delete(key);
      return true;
    }
    return false;
  }

  drop(connId: string): void {
    for (const [key, e] of this.#entries) if (e.connId === connId) this.#entries.delete(key);
  }

  #prune(): void {
    const now = this.#now();
    for (const [key, e] of this.#entries) if (e.expiresAtMs !== null && e.expiresAtMs <= now) this.#entries.delete(key);
  }
}
