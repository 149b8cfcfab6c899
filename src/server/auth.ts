import type { AuthThrottle } from "../surface/auth-throttle.ts";
import { safeEqual, type AuthSettings } from "../surface/auth.ts";
import { isLoopbackAddress } from "../surface/net.ts";

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
  /** `client.id` of ConnectParams: the wording of a refusal depends on who asks (CLI, Control UI, others). */
  clientId?: string;
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
    // No secret and no device: the reference answers NOT_PAIRED (spec §2.3). A device without a secret is
    // told the secret is missing (INVALID_REQUEST, AUTH_TOKEN_MISSING); a missing secret is no guess, so no back-off.
    if (!request.hasDevice) return { ok: false, error: { code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } }, delayMs: 0 };
    const kind = settings.mode;
    return {
      ok: false,
      error: {
        code: "INVALID_REQUEST",
        message: `unauthorized: gateway ${kind} missing (${missingHint(kind, request)})`,
        details: { code: kind === "token" ? "AUTH_TOKEN_MISSING" : "AUTH_PASSWORD_MISSING", authReason: `${kind}_missing`, canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" },
      },
      delayMs: 0,
    };
  }
  return checkSecret(settings.mode, expected, request, throttle);
}

function checkSecret(kind: "token" | "password", expected: string, request: AuthRequest, throttle: AuthThrottle): AuthOutcome {
  const presented = secretFrom(request.presented)!;
  if (safeEqual(presented, expected)) {
    throttle.recordSuccess(request.remoteAddress);
    return { ok: true, method: kind };
  }
  const hint = `(${credentialHint(kind, request)})`;
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

/** Who is asking, as the reference words its refusals (CLI, browser UI, anything else). */
function clientKind(request: AuthRequest): "cli" | "ui" | "other" {
  if (request.clientMode === "cli") return "cli";
  if (request.clientId === "openclaw-control-ui" || request.clientMode === "ui" || request.clientMode === "webchat") return "ui";
  return "other";
}

/** The reference's guidance after a wrong secret, per client kind (never the secret itself). */
function credentialHint(kind: "token" | "password", request: AuthRequest): string {
  switch (clientKind(request)) {
    case "cli":
      if (!isLoopbackAddress(request.remoteAddress)) return `set gateway.remote.${kind} to match gateway.auth.${kind}`;
      return `use this gateway's gateway.auth.${kind}${kind === "token" ? " or pair the device" : ""}`;
    case "ui":
      return kind === "token" ? "open the dashboard URL and paste the token in Control UI settings" : "enter the password in Control UI settings";
    default:
      return `provide gateway auth ${kind}`;
  }
}

/** The reference's guidance when a secret is missing: the Control UI is told where to paste it. */
function missingHint(kind: "token" | "password", request: AuthRequest): string {
  if (kind === "token" && clientKind(request) === "ui") return "paste in Control UI settings or openclaw doctor --generate-gateway-token; restart";
  return credentialHint(kind, request);
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
