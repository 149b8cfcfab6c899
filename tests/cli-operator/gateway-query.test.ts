// `openclaw gateway health` and `gateway call` end to end against a spawned gateway: human and --json
// output, wrong token, no token, unreachable port, a server that never answers, and refused targets.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { freePort, spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { startReplayServer, type ReplayServer } from "../client/_replay-server.ts";
import { cleanupScratch, envFor, run, runJson, shapeOf, stateWithConfig } from "./_helpers.ts";

let gw: SpawnedGateway;
let env: Record<string, string | undefined>;
let silent: ReplayServer;

beforeAll(async () => {
  gw = await spawnGateway();
  env = envFor(gw.stateDir);
  silent = startReplayServer({ silent: true });
});
afterAll(async () => {
  silent.stop();
  await stopAllGateways();
  cleanupScratch();
});

describe("gateway health", () => {
  test("prints `Gateway Health` / `OK (<durationMs>ms)`, exit 0", async () => {
    const result = await run(["gateway", "health"], env);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    expect(result.stdout).toMatch(/^Gateway Health\nOK \(\d+ms\)$/);
  });

  test("--json prints the payload verbatim", async () => {
    const { code, json } = await runJson(["gateway", "health", "--json"], env);
    expect(code).toBe(0);
    expect(json).toMatchObject({ ok: true, ts: expect.any(Number), durationMs: expect.any(Number), channels: {} });
  });

  test("--port targets loopback on that port with the config's token", async () => {
    const result = await run(["gateway", "health", "--port", String(gw.port)], env);
    expect(result.code).toBe(0);
  });

  test("wrong token: the reference's text plus which credential was used (never the secret)", async () => {
    const result = await run(["gateway", "health", "--token", "wrong-token-value"], env);
    expect(result.code).toBe(1);
    const lines = result.stderr.split("\n");
    expect(lines[0]).toBe("gateway connect failed: GatewayClientRequestError: unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)");
    expect(lines[1]).toBe("Credential: token from --token (flag)");
    expect(result.stderr).not.toContain("wrong-token-value");
    expect(result.stdout).toBe("");
  });

  test("wrong token from the environment names OPENCLAW_GATEWAY_TOKEN", async () => {
    const result = await run(["gateway", "health"], { ...env, OPENCLAW_GATEWAY_TOKEN: "env-wrong-token" });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("Credential: token from OPENCLAW_GATEWAY_TOKEN (env)");
  });

  test("no token at all: `Gateway: reachable` and the reference's explanation, exit 1", async () => {
    const bare = envFor(stateWithConfig({ gateway: { port: gw.port } }));
    const result = await run(["gateway", "health"], bare);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Gateway: reachable\nGateway is reachable, but this CLI has no token/password or paired device token for read-scope health RPCs.");
    const json = await runJson(["gateway", "health", "--json"], bare);
    expect(json.json).toEqual({
      ok: false,
      error: { type: "gateway_credentials_required", message: "Gateway is reachable, but this CLI has no token/password or paired device token for read-scope health RPCs." },
      gateway: { reachable: true },
    });
  });

  test("unreachable port: `gateway not reachable at <url>`, exit 1, without waiting for the timeout", async () => {
    const port = freePort();
    const result = await run(["gateway", "health", "--port", String(port), "--timeout", "60000"], env);
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")[0]).toBe(`gateway not reachable at ws://127.0.0.1:${port}`);
    const json = await runJson(["gateway", "health", "--port", String(port), "--json"], env);
    expect(json.code).toBe(1);
    expect(json.json.error).toEqual({ type: "gateway_transport_error", code: "UNREACHABLE", message: `gateway not reachable at ws://127.0.0.1:${port}`, details: { url: `ws://127.0.0.1:${port}` } });
  }, 5000);

  test("a server that never answers: the --timeout deadline ends the command", async () => {
    const result = await run(["gateway", "health", "--url", silent.url, "--token", "x", "--timeout", "300"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("gateway timeout after 300ms");
    const json = await runJson(["gateway", "health", "--url", silent.url, "--token", "x", "--timeout", "300", "--json"], env);
    expect(json.json.error).toMatchObject({ type: "gateway_transport_error", code: "ETIMEDOUT" });
  });

  test("--url without --token/--password: refused before any connection", async () => {
    const replay = startReplayServer();
    try {
      const result = await run(["gateway", "health", "--url", replay.url], env);
      expect(result.code).toBe(1);
      expect(result.stderr.split("\n").slice(0, 2)).toEqual(["Error: gateway url override requires explicit credentials", "Fix: pass --token or --password when using --url."]);
      expect(replay.connects.length).toBe(0);
    } finally {
      replay.stop();
    }
  });

  test("plaintext ws:// to a non-loopback host: SECURITY ERROR, exit 1", async () => {
    const result = await run(["gateway", "health", "--url", "ws://192.0.2.10:18789", "--token", "x"], env);
    expect(result.code).toBe(1);
    expect(result.stderr.split("\n")[0]).toBe('SECURITY ERROR: Gateway URL "ws://192.0.2.10:18789" uses plaintext ws:// to a non-loopback address.');
  });

  test("a bad --timeout is a usage error", async () => {
    const result = await run(["gateway", "health", "--timeout", "soon"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Expected --timeout to be a positive number of milliseconds, got "soon"');
  });
});

describe("gateway call", () => {
  test("prints `Gateway call: <method>` and the payload", async () => {
    const result = await run(["gateway", "call", "status"], env);
    expect(result.code).toBe(0);
    const [first, ...rest] = result.stdout.split("\n");
    expect(first).toBe("Gateway call: status");
    expect(JSON.parse(rest.join("\n"))).toMatchObject({ runtimeVersion: expect.any(String), pid: gw.pid });
  });

  test("--json prints the payload only; --params is sent", async () => {
    const { code, json } = await runJson(["gateway", "call", "logs.tail", "--params", '{"limit":1}', "--json"], env);
    expect(code).toBe(0);
    expect(json).toMatchObject({ file: gw.logFile, cursor: expect.any(Number) });
    expect(json.lines.length).toBeLessThanOrEqual(1);
  });

  test("a method error: `Gateway call failed: <message>`, exit 1; --json gives the reference's error object", async () => {
    const result = await run(["gateway", "call", "logs.tail", "--params", '{"sinceMs":60000}'], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe("Gateway call failed: invalid logs.tail params: at root: unexpected property 'sinceMs'");
    const json = await runJson(["gateway", "call", "no.such.method", "--json"], env);
    expect(json.code).toBe(1);
    expect(json.json).toEqual({ ok: false, error: { type: "gateway_request_error", code: "INVALID_REQUEST", message: "unknown method: no.such.method", retryable: false } });
    expect(shapeOf(json.json)).toMatchSnapshot();
  });

  test("invalid --params JSON is refused before connecting", async () => {
    const result = await run(["gateway", "call", "status", "--params", "{bad"], env);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("--params is not valid JSON");
  });

  test("no token: the command-neutral 'reachable, but no credentials' text", async () => {
    const result = await run(["gateway", "call", "status"], envFor(stateWithConfig({ gateway: { port: gw.port } })));
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      "Gateway: reachable\nGateway is reachable, but this CLI has no token/password or paired device token to authenticate gateway RPCs. Set OPENCLAW_GATEWAY_TOKEN or OPENCLAW_GATEWAY_PASSWORD.",
    );
  });

  test("wrong token with --json: a request-error envelope with the auth details", async () => {
    const { code, json } = await runJson(["gateway", "call", "status", "--token", "nope-nope", "--json"], env);
    const shape = shapeOf(json);
    expect(code).toBe(1);
    expect(json.error).toMatchObject({ type: "gateway_request_error", code: "INVALID_REQUEST", details: { code: "AUTH_TOKEN_MISMATCH" } });
    expect(shape).toMatchSnapshot();
  });

  test("unreachable and timeout", async () => {
    const port = freePort();
    const down = await run(["gateway", "call", "status", "--port", String(port)], env);
    expect(down).toMatchObject({ code: 1 });
    expect(down.stderr.split("\n")[0]).toBe(`Gateway call failed: gateway not reachable at ws://127.0.0.1:${port}`);
    const hung = await runJson(["gateway", "call", "status", "--url", silent.url, "--token", "x", "--timeout", "200", "--json"], env);
    expect(hung.code).toBe(1);
    expect(shapeOf(hung.json)).toMatchSnapshot();
  });
});
