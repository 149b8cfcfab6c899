// Who asked for which session events, per connection: `sessions.subscribe` (every session's `sessions.changed`
// and `session.tool`) and `sessions.messages.subscribe` (one session's `session.message`). The reference sends
// these events only to subscribers; a connection that never subscribed gets none of them.

/** Subscriptions kept at most (connections × keys); beyond it the oldest are dropped, so a leak is bounded. */
export const MAX_SUBSCRIPTIONS = 10_000;

export class SessionSubscriptions {
  readonly #sessions = new Set<string>();
  /** connId → session keys it follows. */
  readonly #messages = new Map<string, Set<string>>();
  #count = 0;

  constructor(private readonly connected: (connId: string) => boolean = () => true) {}

  subscribeSessions(connId: string): void {
    this.#sessions.add(connId);
    this.#bound();
  }

  unsubscribeSessions(connId: string): void {
    this.#sessions.delete(connId);
  }

  followsSessions(connId: string): boolean {
    return this.#sessions.has(connId);
  }

  subscribeMessages(connId: string, key: string): void {
    const keys = this.#messages.get(connId) ?? new Set<string>();
    if (!keys.has(key)) this.#count++;
    keys.add(key);
    this.#messages.set(connId, keys);
    this.#bound();
  }

  unsubscribeMessages(connId: string, key: string): void {
    const keys = this.#messages.get(connId);
    if (keys?.delete(key)) this.#count--;
    if (keys && keys.size === 0) this.#messages.delete(connId);
  }

  followsMessages(connId: string, key: string): boolean {
    return this.#messages.get(connId)?.has(key) === true;
  }

  /**
   * True when any connection follows this key's messages: `session.message` goes only to them (a sessions.subscribe
   * connection is not sent it), so the event is built only then.
   */
  anyFor(key: string): boolean {
    for (const keys of this.#messages.values()) if (keys.has(key)) return true;
    return false;
  }

  /** Closed connections leave entries behind (the server has no close hook for features): prune them when large. */
  #bound(): void {
    if (this.#sessions.size + this.#count <= MAX_SUBSCRIPTIONS) return;
    for (const id of this.#sessions) if (!this.connected(id)) this.#sessions.delete(id);
    for (const [id, keys] of this.#messages) {
      if (this.connected(id)) continue;
      this.#count -= keys.size;
      this.#messages.delete(id);
    }
    while (this.#sessions.size + this.#count > MAX_SUBSCRIPTIONS) {
      const first = this.#messages.keys().next();
      if (!first.done) {
        this.#count -= this.#messages.get(first.value)!.size;
        this.#messages.delete(first.value);
      } else {
        const id = this.#sessions.values().next().value;
        if (id === undefined) break;
        this.#sessions.delete(id);
      }
    }
  }
}
