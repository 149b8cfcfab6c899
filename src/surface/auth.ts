// The gateway's shared-secret settings and the HTTP bearer check every authenticated route uses, with the one
// failed-auth limiter (per client address) that WS connect, the HTTP APIs and hooks all feed.
import type { AuthThrottle } from "./auth-throttle.ts";

/** The gateway's effective auth settings, resolved at start and swapped on hot reload. */
export interface AuthSettings {
  mode: "none" | "token" | "password" | "trusted-proxy";
  token?: string;
  password?: string;
  trustedProxy?: { userHeader?: string; requiredHeaders?: string[]; allowUsers?: string[]; allowLoopback?: boolean };
  trustedProxies?: string[];
}

/** Timing-safe string compare: both sides hashed to equal length first, so length leaks nothing either. */
export function safeEqual(a: string, b: string): boolean {
  // Bun's hasher and a branch-free fold: node:crypto would be evaluated at start for this alone (platform/node.ts).
  const left = Bun.SHA256.hash(a) as Uint8Array;
  const right = Bun.SHA256.hash(b) as Uint8Array;
  let diff = 0;
  for (let i = 0; i < left.length; i++) diff |= left[i]! ^ right[i]!;
  return diff === 0;
}

/** Outcome of an HTTP bearer check: pass, or refuse (429 carries how long the client is locked out). */
export type BearerOutcome = { ok: true } | { ok: false; status: 401 } | { ok: false; status: 429; retryAfterMs: number };

/**
 * HTTP Bearer check against the gateway secret. A wrong token counts against the client's address in the
 * shared limiter (the same one WS connect uses), so a burst of guesses over HTTP locks out as fast as over WS.
 * Returns after `delayMs` when the caller should hold a 401 back (the WS back-off, applied to HTTP too).
 */
export function authenticateBearer(
  settings: AuthSettings,
  header: string | null,
  remoteAddress: string,
  throttle: AuthThrottle,
): BearerOutcome & { delayMs?: number } {
  const locked = throttle.lockedFor(remoteAddress);
  if (locked > 0) return { ok: false, status: 429, retryAfterMs: locked };
  if (settings.mode === "none") return { ok: true };
  const presented = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
  const candidates = [settings.token, settings.password].filter((s): s is string => Boolean(s));
  if (presented && candidates.some((secret) => safeEqual(presented, secret))) {
    throttle.recordSuccess(remoteAddress);
    return { ok: true };
  }
  // A missing credential is not a guess (reference: only wrong credentials consume budget).
  if (!presented) return { ok: false, status: 401 };
  const delayMs = throttle.recordFailure(remoteAddress);
  const after = throttle.lockedFor(remoteAddress);
  return after > 0 ? { ok: false, status: 429, retryAfterMs: after } : { ok: false, status: 401, delayMs };
}

/** `Retry-After` seconds for a lockout, never 0. */
export function retryAfterSeconds(retryAfterMs: number): string {
  return String(Math.max(1, Math.ceil(retryAfterMs / 1000)));
}
