import { isLoopbackAddress } from "./bind.ts";

/** `gateway.auth.rateLimit`: optional lockout on top of the always-on back-off. */
export interface RateLimitConfig {
  maxAttempts?: number;
  windowMs?: number;
  lockoutMs?: number;
  exemptLoopback?: boolean;
}

interface Entry {
  failures: number;
  windowStart: number;
  windowFailures: number;
  lastFailure: number;
  lockedUntil: number;
}

// Observed on the reference (spec §2.7): 0.26 s, 0.5 s, 1 s, 2 s, 4 s, then ~5 s per failed attempt.
const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 5000;
// Back-off memory: a client that stops failing for this long starts again from the first step.
const FORGET_AFTER_MS = 10 * 60_000;
const MAX_TRACKED = 10_000;

/** Per-client-IP memory of failed shared-secret attempts: grows a delay, and locks out when configured. */
export class AuthThrottle {
  #entries = new Map<string, Entry>();
  #config: RateLimitConfig | undefined;
  #now: () => number;

  constructor(config: RateLimitConfig | undefined, now: () => number = Date.now) {
    this.#config = config;
    this.#now = now;
  }

  /** Applies a hot-reloaded `gateway.auth.rateLimit`; recorded failures survive. */
  reconfigure(config: RateLimitConfig | undefined): void {
    this.#config = config;
  }

  /** `retryAfterMs` when this client is locked out now, else 0. */
  lockedFor(ip: string): number {
    const entry = this.#entries.get(ip);
    if (!entry || !this.#limited(ip)) return 0;
    return Math.max(0, entry.lockedUntil - this.#now());
  }

  /** Records one failure and returns how long to hold the failure answer back. */
  recordFailure(ip: string): number {
    const now = this.#now();
    let entry = this.#entries.get(ip);
    if (!entry || now - entry.lastFailure > FORGET_AFTER_MS) {
      entry = { failures: 0, windowStart: now, windowFailures: 0, lastFailure: now, lockedUntil: 0 };
      this.#remember(ip, entry);
    }
    entry.failures++;
    entry.lastFailure = now;
    const windowMs = this.#config?.windowMs ?? 60_000;
    if (now - entry.windowStart > windowMs) {
      entry.windowStart = now;
      entry.windowFailures = 0;
    }
    entry.windowFailures++;
    const max = this.#config?.maxAttempts;
    if (max !== undefined && entry.windowFailures >= max && this.#limited(ip)) {
      entry.lockedUntil = now + (this.#config?.lockoutMs ?? 300_000);
    }
    return Math.min(FIRST_DELAY_MS * 2 ** (entry.failures - 1), MAX_DELAY_MS);
  }

  /** A correct secret clears the back-off so the next attempt is not delayed. */
  recordSuccess(ip: string): void {
    this.#entries.delete(ip);
  }

  #limited(ip: string): boolean {
    if (!this.#config || this.#config.maxAttempts === undefined) return false;
    return !(this.#config.exemptLoopback !== false && isLoopbackAddress(ip));
  }

  #remember(ip: string, entry: Entry): void {
    if (this.#entries.size >= MAX_TRACKED) {
      // Drop the oldest entry; a flood of addresses must not grow memory without bound.
      const oldest = this.#entries.keys().next().value;
      if (oldest !== undefined) this.#entries.delete(oldest);
    }
    this.#entries.set(ip, entry);
  }
}
