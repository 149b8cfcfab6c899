// Target resolution (URL, credentials and their source), the URL security rule, and connect params.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { GatewayClientError } from "../../src/client/errors.ts";
import { connectParams, CLI_IDENTITY, PROBE_IDENTITY, backendIdentity, scopesFor } from "../../src/client/identity.ts";
import { resolveTarget, describeCredential, type TargetRequest } from "../../src/client/target.ts";
import { assertSecureGatewayUrl, isLoopbackHost } from "../../src/client/url-policy.ts";
import { normalizeFingerprint } from "../../src/client/tls-pin.ts";
import { VERSION } from "../../src/version.ts";

const root = mkdtempSync(join(tmpdir(), "openclaw-target-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A state dir with the given config; returns the env that selects it. */
function stateWith(config: Record<string, unknown> | null, extraEnv: Record<string, string> = {}): Record<string, string | undefined> {
  const dir = join(root, crypto.randomUUID());
  mkdirSync(dir, { recursive: true });
  if (config) writeFileSync(join(dir, "openclaw.json"), JSON.stringify(config));
  return { HOME: root, OPENCLAW_STATE_DIR: dir, ...extraEnv };
}

function resolve(env: Record<string, string | undefined>, flags: Partial<TargetRequest> = {}) {
  return resolveTarget({ profile: undefined, env, ...flags });
}

function refusal(run: () => unknown): GatewayClientError {
  try {
    run();
  } catch (error) {
    if (error instanceof GatewayClientError) return error;
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("target URL", () => {
  test("default: ws://127.0.0.1:<gateway.port> with gateway.auth.token from config", () => {
    const t = resolve(stateWith({ gateway: { port: 19123, auth: { token: "cfg-token" } } }));
    expect(t).toMatchObject({ url: "ws://127.0.0.1:19123", urlSource: "local loopback", kind: "local", auth: { token: "cfg-token" } });
    expect(describeCredential(t.credential)).toBe("token from gateway.auth.token (config)");
  });

  test("no config: the profile's base port", () => {
    expect(resolve(stateWith(null)).url).toBe("ws://127.0.0.1:18789");
  });

  test("credentials: flag beats env beats config, and the source is named", () => {
    const env = stateWith({ gateway: { auth: { token: "cfg" } } }, { OPENCLAW_GATEWAY_TOKEN: "env" });
    expect(resolve(env).credential).toEqual({ kind: "token", source: "env", name: "OPENCLAW_GATEWAY_TOKEN" });
    expect(resolve(env, { token: "flag" })).toMatchObject({ auth: { token: "flag" }, credential: { source: "flag", name: "--token" } });
    expect(resolve(env, { password: "pw" })).toMatchObject({ auth: { password: "pw" }, credential: { kind: "password", name: "--password" } });
  });

  test("--port targets loopback on that port, over OPENCLAW_GATEWAY_URL", () => {
    const env = stateWith({ gateway: { port: 1000, auth: { token: "t" } } }, { OPENCLAW_GATEWAY_URL: "ws://127.0.0.1:2000" });
    expect(resolve(env, { port: "3000" })).toMatchObject({ url: "ws://127.0.0.1:3000", urlSource: "cli --port" });
    expect(resolve(env)).toMatchObject({ url: "ws://127.0.0.1:2000", urlSource: "env OPENCLAW_GATEWAY_URL", kind: "explicit" });
  });

  test("gateway.mode=remote uses gateway.remote.url with the remote secret and pin", () => {
    const env = stateWith({ gateway: { mode: "remote", remote: { url: "wss://gw.example:443", token: "remote-token", tlsFingerprint: "AA:BB" }, auth: { token: "local" } } });
    expect(resolve(env)).toMatchObject({ url: "wss://gw.example", urlSource: "config gateway.remote.url", kind: "remote", auth: { token: "remote-token" }, tlsFingerprint: "AA:BB" });
  });

  test("gateway.mode=remote without a URL falls back to loopback with a warning", () => {
    const t = resolve(stateWith({ gateway: { mode: "remote" } }));
    expect(t.urlSource).toBe("missing gateway.remote.url (fallback local)");
    expect(t.notes[0]).toContain("gateway.remote.url is missing");
  });

  test("--url never takes implicit credentials: the reference's error, before any connection", () => {
    const env = stateWith({ gateway: { auth: { token: "cfg" } } }, { OPENCLAW_GATEWAY_TOKEN: "env" });
    const error = refusal(() => resolve(env, { url: "ws://127.0.0.1:1234" }));
    expect(error.kind).toBe("config");
    expect(error.message.split("\n")[0]).toBe("gateway url override requires explicit credentials");
    expect(resolve(env, { url: "ws://127.0.0.1:1234", token: "x" })).toMatchObject({ url: "ws://127.0.0.1:1234", urlSource: "cli --url", auth: { token: "x" } });
  });

  test("--url and --port together are refused", () => {
    expect(refusal(() => resolve(stateWith(null), { url: "ws://127.0.0.1:1", port: "2", token: "x" })).message).toBe("Use either --url or --port, not both.");
  });

  test("a bad URL or port names the value", () => {
    expect(refusal(() => resolve(stateWith(null), { url: "http://x", token: "x" })).message).toContain('Expected --url to be a ws:// or wss:// URL, got "http://x"');
    expect(() => resolve(stateWith(null), { port: "70000" })).toThrow('Expected --port to be a port 1-65535, got "70000"');
  });
});

describe("plaintext ws:// to a non-loopback host", () => {
  test("is refused with the reference's SECURITY ERROR text", () => {
    const env = stateWith(null);
    const error = refusal(() => resolve(env, { url: "ws://192.0.2.10:18789", token: "x" }));
    const lines = error.message.split("\n");
    expect(lines[0]).toBe('SECURITY ERROR: Gateway URL "ws://192.0.2.10:18789" uses plaintext ws:// to a non-loopback address.');
    expect(lines[1]).toBe("Both credentials and chat data would be exposed to network interception.");
    expect(lines).toContain("Source: cli --url");
    expect(lines).toContain("Break-glass (trusted private networks only): set OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1");
  });

  test("from config and env too", () => {
    expect(refusal(() => resolve(stateWith({ gateway: { mode: "remote", remote: { url: "ws://vm:18800" } } }))).message).toContain('"ws://vm:18800"');
    expect(refusal(() => resolve(stateWith(null, { OPENCLAW_GATEWAY_URL: "ws://vm:18800", OPENCLAW_GATEWAY_TOKEN: "t" }))).message).toContain("Source: env OPENCLAW_GATEWAY_URL");
  });

  test("is allowed with OPENCLAW_ALLOW_INSECURE_PRIVATE_WS=1; wss:// and loopback always are", () => {
    const ctx = { source: "cli --url", configPath: "/x", env: { OPENCLAW_ALLOW_INSECURE_PRIVATE_WS: "1" } };
    expect(() => assertSecureGatewayUrl(new URL("ws://10.0.0.5:18789"), ctx)).not.toThrow();
    const strict = { ...ctx, env: {} };
    expect(() => assertSecureGatewayUrl(new URL("wss://gw.example"), strict)).not.toThrow();
    for (const host of ["127.0.0.1", "127.1.2.3", "[::1]", "localhost"]) expect(() => assertSecureGatewayUrl(new URL(`ws://${host}:1`), strict)).not.toThrow();
    expect(isLoopbackHost("128.0.0.1")).toBe(false);
  });
});

describe("connect params (spec §2.2)", () => {
  test("cli/cli: keys in the reference's wire order, our version, 4..4, no device/locale/userAgent", () => {
    const params = connectParams(CLI_IDENTITY, ["operator.read"], { token: "testtoken123" });
    expect(Object.keys(params)).toEqual(["minProtocol", "maxProtocol", "client", "caps", "auth", "role", "scopes"]);
    expect(Object.keys(params.client as object)).toEqual(["id", "version", "platform", "deviceFamily", "mode", "instanceId"]);
    expect(params).toMatchObject({ minProtocol: 4, maxProtocol: 4, client: { id: "cli", version: VERSION, mode: "cli" }, caps: [], auth: { token: "testtoken123" }, role: "operator", scopes: ["operator.read"] });
  });

  test("cli/probe: version dev, 3..4; no auth key without a secret", () => {
    const params = connectParams(PROBE_IDENTITY, ["operator.read"]);
    expect(params).toMatchObject({ minProtocol: 3, maxProtocol: 4, client: { id: "cli", version: "dev", mode: "probe" } });
    expect("auth" in params).toBe(false);
  });

  test("gateway-client/backend carries its displayName", () => {
    expect(connectParams(backendIdentity("gateway:status"), ["operator.read"], { password: "pw" })).toMatchObject({ client: { id: "gateway-client", mode: "backend", displayName: "gateway:status" }, auth: { password: "pw" } });
  });

  test("least-privilege scopes per method; all seven for an unknown method", () => {
    expect(scopesFor("health")).toEqual(["operator.read"]);
    expect(scopesFor("logs.tail")).toEqual(["operator.read"]);
    expect(scopesFor("chat.send")).toEqual(["operator.write"]);
    expect(scopesFor("config.set")).toEqual(["operator.admin"]);
    expect(scopesFor("no.such.method")).toEqual(["operator.admin", "operator.read", "operator.write", "operator.approvals", "operator.questions", "operator.pairing", "operator.talk.secrets"]);
  });

  test("fingerprints compare in any spelling", () => {
    expect(normalizeFingerprint("sha256:AB:cd:EF")).toBe("abcdef");
  });
});
