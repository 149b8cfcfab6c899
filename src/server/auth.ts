import { timingSafeEqual, createHash } from "node:crypto";
import type { AuthThrottle } from "./auth-throttle.ts";
import { isLoopbackAddress } from "./bind.ts";

/** The gateway's effective auth settings, resolved at start and swapped on hot reload. */
export interface AuthSettings {
  mode: "none" | "token" | "password" | "trusted-proxy";
  token?: string;
  password?: string;
  trustedProxy?: { userHeader?: string; requiredHeaders?: string[]; allowUsers?: string[]; allowLoopback?: boolean };
  trustedProxies?: string[];
}

/** What the client presented in `connect.params.auth` (either field may carry the shared secret, spec §2.3). */
export interface PresentedAuth {
  token?: string;
  password?: string;
}

/** The wire `error` of a refused connect (spec §2.7). */
export interface AuthFailure {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  retryable?: boolean;
  retryAfterMs?: number;
}

export type AuthOutcome =
  | { ok: true; method: "none" | "token" | "password" | "trusted-proxy"; user?: string }
  | { ok: false; error: AuthFailure; /** Hold the answer back this long (per-IP back-off). */ delayMs: number };

/** Connection facts the decision depends on. */
export interface AuthRequest {
  presented: PresentedAuth | undefined;
  hasDevice: boolean;
  clientMode: string;
  remoteAddress: string;
  headers: Record<string, string>;
}

/** Decides a WebSocket connect's authentication (shared secret, none, or trusted proxy) with back-off on failures. */
export function authenticateConnect(settings: AuthSettings, request: AuthRequest, throttle: AuthThrottle): AuthOutcome {
  const ip = request.remoteAddress;
  const lockedMs = throttle.lockedFor(ip);
  if (lockedMs > 0) return { ok: false, error: rateLimited(lockedMs), delayMs: 0 };

  if (settings.mode === "none") return { ok: true, method: "none" };
  if (settings.mode === "trusted-proxy") {
    const identity = trustedProxyIdentity(settings, request);
    if (identity) return { ok: true, method: "trusted-proxy", user: identity };
    // Same-host callers may still use the password as a direct fallback (reference rule).
    if (settings.password && secretFrom(request.presented) !== undefined) return checkSecret("password", settings.password, request, throttle);
    return {
      ok: false,
      error: {
        code: "INVALID_REQUEST",
        message: "unauthorized: trusted proxy identity required",
        details: { code: "AUTH_IDENTITY_HEADER_REQUIRED", authReason: "identity_header_required", canRetryWithDeviceToken: false, recommendedNextStep: "review_auth_configuration" },
      },
      delayMs: throttle.recordFailure(ip),
    };
  }
  const expected = settings.mode === "token" ? settings.token : settings.password;
  if (expected === undefined) {
    const what = settings.mode;
    return {
      ok: false,
      error: {
        code: "INVALID_REQUEST",
        message: `unauthorized: gateway ${what} not configured (set gateway.auth.${what})`,
        details: { code: what === "token" ? "AUTH_TOKEN_NOT_CONFIGURED" : "AUTH_PASSWORD_NOT_CONFIGURED", authReason: `${what}_missing_config`, canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" },
      },
      delayMs: 0,
    };
  }
  if (secretFrom(request.presented) === undefined) {
    // No secret and no device: the reference answers NOT_PAIRED (spec §2.3).
    return { ok: false, error: { code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } }, delayMs: 0 };
  }
  return checkSecret(settings.mode, expected, request, throttle);
}

function checkSecret(kind: "token" | "password", expected: string, request: AuthRequest, throttle: AuthThrottle): AuthOutcome {
  const presented = secretFrom(request.presented)!;
  if (safeEqual(presented, expected)) {
    throttle.recordSuccess(request.remoteAddress);
    return { ok: true, method: kind };
  }
  const hint = request.clientMode === "probe" ? `(provide gateway auth ${kind})` : `(use this gateway's gateway.auth.${kind} or pair the device)`;
  return {
    ok: false,
    error: {
      code: "INVALID_REQUEST",
      message: `unauthorized: gateway ${kind} mismatch ${hint}`,
      details: {
        code: kind === "token" ? "AUTH_TOKEN_MISMATCH" : "AUTH_PASSWORD_MISMATCH",
        authReason: `${kind}_mismatch`,
        canRetryWithDeviceToken: false,
        recommendedNextStep: "update_auth_credentials",
      },
    },
    delayMs: throttle.recordFailure(request.remoteAddress),
  };
}

/** The secret a client sent, from `auth.token` or `auth.password`. */
function secretFrom(presented: PresentedAuth | undefined): string | undefined {
  const value = presented?.token ?? presented?.password;
  return value === undefined || value === "" ? undefined : value;
}

/** The AUTH_RATE_LIMITED refusal (WS) that matches HTTP's 429 + Retry-After. */
export function rateLimited(retryAfterMs: number): AuthFailure {
  return {
    code: "INVALID_REQUEST",
    message: "unauthorized: too many failed authentication attempts (retry later)",
    retryable: true,
    retryAfterMs,
    details: { code: "AUTH_RATE_LIMITED", authReason: "rate_limited", canRetryWithDeviceToken: false, recommendedNextStep: "wait_then_retry" },
  };
}

/** Timing-safe string compare: both sides hashed to equal length first, so length leaks nothing either. */
export function safeEqual(a: string, b: string): boolean {
  const left = createHash("sha256").update(a).digest();
  const right = createHash("sha256").update(b).digest();
  return timingSafeEqual(left, right);
}

function trustedProxyIdentity(settings: AuthSettings, request: AuthRequest): string | undefined {
  const proxies = settings.trustedProxies ?? [];
  const from = request.remoteAddress.replace(/^::ffff:/, "");
  if (!proxies.includes(from)) return undefined;
  if (isLoopbackAddress(from) && !settings.trustedProxy?.allowLoopback) return undefined;
  const header = (settings.trustedProxy?.userHeader ?? "x-forwarded-user").toLowerCase();
  const user = request.headers[header];
  if (!user) return undefined;
  for (const required of settings.trustedProxy?.requiredHeaders ?? []) if (!request.headers[required.toLowerCase()]) return undefined;
  const allow = settings.trustedProxy?.allowUsers;
  if (allow && allow.length > 0 && !allow.includes(user)) return undefined;
  return user;
}

/** HTTP Bearer check for the HTTP APIs, with the same throttle as WS. */
export function authenticateBearer(settings: AuthSettings, header: string | null, remoteAddress: string, throttle: AuthThrottle): { ok: true } | { ok: false; status: 401 | 429; retryAfterMs?: number } {
  const locked = throttle.lockedFor(remoteAddress);
  if (locked > 0) return { ok: false, status: 429, retryAfterMs: locked };
  if (settings.mode === "none") return { ok: true };
  const presented = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
  const candidates = [settings.token, settings.password].filter((s): s is string => Boolean(s));
  if (presented && candidates.some((secret) => safeEqual(presented, secret))) {
    throttle.recordSuccess(remoteAddress);
    return { ok: true };
  }
  if (presented) throttle.recordFailure(remoteAddress);
  const after = throttle.lockedFor(remoteAddress);
  return after > 0 ? { ok: false, status: 429, retryAfterMs: after } : { ok: false, status: 401 };
}
