import { isLoopbackAddress } from "./net.ts";

/** `gateway.auth.rateLimit`: the lockout on top of the always-on back-off (defaults below when unset). */
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
// The reference's defaults (security/rate-limiting.md): 10 failures a minute lock the address out for 5 minutes;
// loopback is exempt unless `exemptLoopback: false`, so a local CLI cannot lock itself out.
const DEFAULT_LIMIT = { maxAttempts: 10, windowMs: 60_000, lockoutMs: 300_000, exemptLoopback: true };

/** Per-client-IP memory of failed auth attempts: grows a delay, and locks the address out past the limit. */
export class AuthThrottle {
  #entries = new Map<string, Entry>();
  #config: Required<RateLimitConfig>;
  #now: () => number;

  constructor(config: RateLimitConfig | undefined, now: () => number = Date.now) {
    this.#config = withDefaults(config);
    this.#now = now;
  }

  /** Applies a hot-reloaded `gateway.auth.rateLimit`; recorded failures survive. */
  reconfigure(config: RateLimitConfig | undefined): void {
    this.#config = withDefaults(config);
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
    const windowMs = this.#config.windowMs;
    if (now - entry.windowStart > windowMs) {
      entry.windowStart = now;
      entry.windowFailures = 0;
    }
    entry.windowFailures++;
    if (entry.windowFailures >= this.#config.maxAttempts && this.#limited(ip)) {
      entry.lockedUntil = now + this.#config.lockoutMs;
    }
    return Math.min(FIRST_DELAY_MS * 2 ** (entry.failures - 1), MAX_DELAY_MS);
  }

  /** A correct secret clears the back-off so the next attempt is not delayed. */
  recordSuccess(ip: string): void {
    this.#entries.delete(ip);
  }

  #limited(ip: string): boolean {
    return !(this.#config.exemptLoopback && isLoopbackAddress(ip));
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

function withDefaults(config: RateLimitConfig | undefined): Required<RateLimitConfig> {
  return {
    maxAttempts: config?.maxAttempts ?? DEFAULT_LIMIT.maxAttempts,
    windowMs: config?.windowMs ?? DEFAULT_LIMIT.windowMs,
    lockoutMs: config?.lockoutMs ?? DEFAULT_LIMIT.lockoutMs,
    exemptLoopback: config?.exemptLoopback ?? DEFAULT_LIMIT.exemptLoopback,
  };
}
