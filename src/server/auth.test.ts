import { describe, expect, test } from "bun:test";
import { AuthThrottle } from "../surface/auth-throttle.ts";
import { authenticateBearer, safeEqual, type AuthSettings } from "../surface/auth.ts";
import { authenticateConnect, type AuthRequest } from "./auth.ts";

const token: AuthSettings = { mode: "token", token: "right-token" };
const request = (over: Partial<AuthRequest> = {}): AuthRequest => ({
  presented: { token: "right-token" },
  hasDevice: false,
  clientMode: "cli",
  remoteAddress: "127.0.0.1",
  headers: {},
  ...over,
});

describe("shared-secret auth", () => {
  test("the right token passes; either auth field may carry it (spec §2.3)", () => {
    const throttle = new AuthThrottle(undefined);
    expect(authenticateConnect(token, request(), throttle)).toEqual({ ok: true, method: "token" });
    expect(authenticateConnect(token, request({ presented: { password: "right-token" } }), throttle)).toEqual({ ok: true, method: "token" });
  });

  test("a wrong token is the exact §2.7 refusal, with probe wording for probes", () => {
    const throttle = new AuthThrottle(undefined);
    const cli = authenticateConnect(token, request({ presented: { token: "nope" } }), throttle);
    expect(cli).toMatchObject({
      ok: false,
      error: {
        code: "INVALID_REQUEST",
        message: "unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)",
        details: { code: "AUTH_TOKEN_MISMATCH", authReason: "token_mismatch", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_credentials" },
      },
    });
    const probe = authenticateConnect(token, request({ presented: { token: "nope" }, clientMode: "probe" }), throttle);
    expect(probe.ok || probe.error.message).toBe("unauthorized: gateway token mismatch (provide gateway auth token)");
  });

  test("no secret and no device is NOT_PAIRED", () => {
    const outcome = authenticateConnect(token, request({ presented: undefined }), new AuthThrottle(undefined));
    expect(outcome).toMatchObject({ ok: false, error: { code: "NOT_PAIRED", message: "device identity required", details: { code: "DEVICE_IDENTITY_REQUIRED" } } });
  });

  test("a device without a secret is told the secret is missing (the reference: INVALID_REQUEST, AUTH_TOKEN_MISSING), no back-off", () => {
    const throttle = new AuthThrottle(undefined);
    const outcome = authenticateConnect(token, request({ presented: undefined, hasDevice: true }), throttle);
    expect(outcome).toEqual({
      ok: false,
      delayMs: 0,
      error: {
        code: "INVALID_REQUEST",
        message: "unauthorized: gateway token missing (use this gateway's gateway.auth.token or pair the device)",
        details: { code: "AUTH_TOKEN_MISSING", authReason: "token_missing", canRetryWithDeviceToken: false, recommendedNextStep: "update_auth_configuration" },
      },
    });
    const ui = authenticateConnect(token, request({ presented: undefined, hasDevice: true, clientMode: "webchat", clientId: "openclaw-control-ui" }), throttle);
    expect(ui.ok || ui.error.message).toBe("unauthorized: gateway token missing (paste in Control UI settings or openclaw doctor --generate-gateway-token; restart)");
  });

  test("failed attempts back off 250 ms, 500, 1 s, 2 s, 4 s, then 5 s; success resets", () => {
    const throttle = new AuthThrottle(undefined);
    const delays = Array.from({ length: 8 }, () => {
      const outcome = authenticateConnect(token, request({ presented: { token: "bad" } }), throttle);
      return outcome.ok ? -1 : outcome.delayMs;
    });
    expect(delays).toEqual([250, 500, 1000, 2000, 4000, 5000, 5000, 5000]);
    expect(authenticateConnect(token, request(), throttle).ok).toBe(true);
    const next = authenticateConnect(token, request({ presented: { token: "bad" } }), throttle);
    expect(next.ok ? -1 : next.delayMs).toBe(250);
  });

  test("back-off is per client IP", () => {
    const throttle = new AuthThrottle(undefined);
    authenticateConnect(token, request({ presented: { token: "bad" }, remoteAddress: "10.0.0.1" }), throttle);
    const other = authenticateConnect(token, request({ presented: { token: "bad" }, remoteAddress: "10.0.0.2" }), throttle);
    expect(other.ok ? -1 : other.delayMs).toBe(250);
  });

  test("gateway.auth.rateLimit locks a client out with AUTH_RATE_LIMITED; loopback is exempt by default", () => {
    let now = 1_000_000;
    const throttle = new AuthThrottle({ maxAttempts: 3, windowMs: 60_000, lockoutMs: 30_000 }, () => now);
    const remote = request({ presented: { token: "bad" }, remoteAddress: "10.1.1.1" });
    for (let i = 0; i < 3; i++) authenticateConnect(token, remote, throttle);
    const locked = authenticateConnect(token, request({ remoteAddress: "10.1.1.1" }), throttle);
    expect(locked).toMatchObject({ ok: false, error: { retryable: true, retryAfterMs: 30_000, details: { code: "AUTH_RATE_LIMITED" } } });
    now += 30_001;
    expect(authenticateConnect(token, request({ remoteAddress: "10.1.1.1" }), throttle).ok).toBe(true);
    for (let i = 0; i < 5; i++) authenticateConnect(token, request({ presented: { token: "bad" } }), throttle);
    expect(throttle.lockedFor("127.0.0.1")).toBe(0);
  });

  test("HTTP bearer: 401 for wrong, 429 with retry when locked", () => {
    const throttle = new AuthThrottle({ maxAttempts: 2, lockoutMs: 10_000, exemptLoopback: false });
    expect(authenticateBearer(token, "Bearer right-token", "127.0.0.1", throttle)).toEqual({ ok: true });
    expect(authenticateBearer(token, "Bearer x", "127.0.0.1", throttle)).toMatchObject({ ok: false, status: 401 });
    // A missing credential is not a guess: it never feeds the limiter.
    for (let i = 0; i < 5; i++) expect(authenticateBearer(token, null, "127.0.0.1", throttle)).toEqual({ ok: false, status: 401 });
    expect(authenticateBearer(token, "Bearer x", "127.0.0.1", throttle)).toMatchObject({ ok: false, status: 429 });
  });

  test("password mode and trusted-proxy", () => {
    const throttle = new AuthThrottle(undefined);
    const password: AuthSettings = { mode: "password", password: "pw" };
    expect(authenticateConnect(password, request({ presented: { password: "pw" } }), throttle)).toEqual({ ok: true, method: "password" });
    const proxy: AuthSettings = { mode: "trusted-proxy", trustedProxies: ["10.9.9.9"], trustedProxy: { userHeader: "x-user" } };
    const via = request({ presented: undefined, remoteAddress: "10.9.9.9", headers: { "x-user": "ana" } });
    expect(authenticateConnect(proxy, via, throttle)).toEqual({ ok: true, method: "trusted-proxy", user: "ana" });
    expect(authenticateConnect(proxy, { ...via, remoteAddress: "10.9.9.8" }, throttle).ok).toBe(false);
    const loopProxy: AuthSettings = { ...proxy, trustedProxies: ["127.0.0.1"] };
    expect(authenticateConnect(loopProxy, { ...via, remoteAddress: "127.0.0.1" }, throttle).ok).toBe(false);
    loopProxy.trustedProxy = { userHeader: "x-user", allowLoopback: true };
    expect(authenticateConnect(loopProxy, { ...via, remoteAddress: "127.0.0.1" }, throttle).ok).toBe(true);
  });

  test("safeEqual compares content, not length", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});
