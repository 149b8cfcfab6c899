import { DEDUPE_MAX, DEDUPE_TTL_MS } from "../protocol/constants.ts";

/**
 * Remembers results of side-effecting requests by idempotency key: a repeat within the TTL gets the first
 * result (or waits for it, if still running) instead of acting twice. Bounded: the oldest key goes first.
 */
export class IdempotencyCache {
  #entries = new Map<string, { expires: number; result: Promise<unknown> }>();
  #now: () => number;

  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  run(key: string, action: () => Promise<unknown>): Promise<unknown> {
    const now = this.#now();
    const hit = this.#entries.get(key);
    if (hit && hit.expires > now) return hit.result;
    this.#entries.delete(key);
    const result = action();
    // A failed attempt may be retried with the same key: only successes are remembered.
    result.catch(() => this.#entries.delete(key));
    this.#entries.set(key, { expires: now + DEDUPE_TTL_MS, result });
    while (this.#entries.size > DEDUPE_MAX) this.#entries.delete(this.#entries.keys().next().value!);
    return result;
  }

  get size(): number {
    return this.#entries.size;
  }
}
