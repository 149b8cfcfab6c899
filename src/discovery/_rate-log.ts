// "Logged once, rate-limited": the same mDNS problem repeated by every retry must not flood the log
// (field lessons, Discovery: an advertiser error once crashed gateways into a loop and filled logs).

/** Logs a message per key at most once per window, and says how many were held back in between. */
export class RateLimitedLog {
  readonly #seen = new Map<string, { at: number; suppressed: number }>();
  readonly #write: (message: string) => void;
  readonly #windowMs: number;
  readonly #now: () => number;

  constructor(write: (message: string) => void, windowMs = 10 * 60_000, now: () => number = Date.now) {
    this.#write = write;
    this.#windowMs = windowMs;
    this.#now = now;
  }

  /** Writes unless `key` was written within the window; returns whether it wrote. */
  log(key: string, message: string): boolean {
    const now = this.#now();
    const seen = this.#seen.get(key);
    if (seen && now - seen.at < this.#windowMs) {
      seen.suppressed++;
      return false;
    }
    const held = seen?.suppressed ? ` (${seen.suppressed} similar message${seen.suppressed === 1 ? "" : "s"} suppressed)` : "";
    this.#seen.set(key, { at: now, suppressed: 0 });
    this.#write(message + held);
    return true;
  }

}
