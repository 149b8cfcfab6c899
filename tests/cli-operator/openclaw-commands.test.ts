// `openclaw health`, `openclaw status`, `openclaw logs` (one read) and `openclaw doctor` end to end.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { startReplayServer, type ReplayServer } from "../client/_replay-server.ts";
import { cleanupScratch, envFor, run, runJson, scratchDir, shapeOf, stateWithConfig } from "./_helpers.ts";

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

const noTokenEnv = () => envFor(stateWithConfig({ gateway: { port: gw.port } }));
const downEnv = () => envFor(stateWithConfig({ gateway: { port: freePort(), auth: { token: "x".repeat(32) } } }));

describe("openclaw health", () => {
  test("agents, heartbeat and session store of the default agent", async () => {
    const result = await run(["health"], env);
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")).toEqual(["Agents: main (default)", "Heartbeat interval: disabled (main)", expect.stringMatching(/^Session store \(main\): .+ \(0 entries\)$/)]);
  });

  test("--verbose adds the connection details (and forces a live probe)", async () => {
    const result = await run(["health", "--verbose"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Gateway connection:\n  Gateway target: ws://127.0.0.1:${gw.port}\n  Source: local loopback`);
  });

  test("--json prints the snapshot", async () => {
    const { code, json } = await runJson(["health", "--json"], env);
    expect(code).toBe(0);
    expect(json.ok).toBe(true);
  });

  test("wrong token, no token, unreachable, timeout: exit 1 with the reason", async () => {
    const wrong = await run(["health", "--token", "wrong"], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr.split("\n")[0]).toBe("Health check failed: gateway connect failed: GatewayClientRequestError: unauthorized: gateway token mismatch (use this gateway's gateway.auth.token or pair the device)");
    const bare = await run(["health"], noTokenEnv());
    expect(bare).toMatchObject({ code: 1, stderr: "Gateway: reachable\nGateway is reachable, but this CLI has no token/password or paired device token for read-scope health RPCs." });
    const down = await run(["health"], downEnv());
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^Health check failed: gateway not reachable at ws:\/\/127\.0\.0\.1:\d+/);
    const hung = await run(["health", "--url", silent.url, "--token", "x", "--timeout", "250"], env);
    expect(hung.code).toBe(1);
    expect(hung.stderr).toContain("gateway timeout after 250ms");
  });
});

describe("openclaw status", () => {
  test("summary: reachability and mode, config, service, sessions and channels", async () => {
    const result = await run(["status"], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("OpenClaw status");
    expect(lines.find((l) => l.startsWith("Gateway"))).toMatch(new RegExp(`^Gateway +reachable · local · ws://127\\.0\\.0\\.1:${gw.port} \\(local loopback\\) · \\d+ms · app \\S+$`));
    expect(lines).toContain(`Config    ${gw.configPath}`);
    expect(lines).toContain("Service   not installed");
    expect(lines).toContain("Sessions  0");
    expect(lines).toContain("Channels  0 (none configured)");
  });

  test("--json: stable shape", async () => {
    const { code, json } = await runJson(["status", "--json"], env);
    const shape = shapeOf(json, ["health", "self"]);
    expect(code).toBe(0);
    expect(json.gateway).toMatchObject({ mode: "local", reachable: true, error: null, url: `ws://127.0.0.1:${gw.port}` });
    expect(json.sessions.count).toBe(0);
    expect(shape).toMatchSnapshot();
  });

  test("--all --deep adds the gateway's self entry and the channel health", async () => {
    const result = await run(["status", "--all", "--deep"], env);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Gateway self {2}\S+/);
    expect(result.stdout).toContain("Health\nNo channels configured.");
  });

  test("cold start (no config file): no connection, reachable false, error null", async () => {
    const { code, json } = await runJson(["status", "--json"], envFor(scratchDir("openclaw-cold-")));
    expect(code).toBe(0);
    expect(json.gateway).toMatchObject({ reachable: false, error: null });
    expect(json.collection.notCollected).toContain("gateway");
  });

  test("no config file but OPENCLAW_GATEWAY_PORT and OPENCLAW_GATEWAY_TOKEN in the environment: that gateway is probed", async () => {
    const bare = envFor(scratchDir("openclaw-envonly-"), { OPENCLAW_GATEWAY_PORT: String(gw.port), OPENCLAW_GATEWAY_TOKEN: gw.token });
    const result = await run(["status", "--all"], bare);
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain("no config yet");
    expect(result.stdout).toMatch(new RegExp(`\\nGateway +reachable · local · ws://127\\.0\\.0\\.1:${gw.port} \\(local loopback\\)`));
    expect(result.stdout).toContain("Auth          token from OPENCLAW_GATEWAY_TOKEN (env)");
    expect(result.stdout).toContain("Sessions      0");
    const { json } = await runJson(["status", "--json"], bare);
    expect(json.gateway).toMatchObject({ reachable: true, error: null, url: `ws://127.0.0.1:${gw.port}` });
    expect(json.collection.notCollected).not.toContain("gateway");
  });

  test("unreachable, wrong token, no token, timeout are reported in gateway.error", async () => {
    const down = await runJson(["status", "--json"], downEnv());
    expect(down.json.gateway.error).toMatch(/^gateway not reachable at ws:\/\/127\.0\.0\.1:\d+$/);
    const wrong = await runJson(["status", "--json"], { ...env, OPENCLAW_GATEWAY_TOKEN: "wrong-token" });
    expect(wrong.json.gateway).toMatchObject({ reachable: false, error: "unauthorized: gateway token mismatch (provide gateway auth token)", credential: "token from OPENCLAW_GATEWAY_TOKEN (env)" });
    const bare = await runJson(["status", "--json"], noTokenEnv());
    expect(bare.json.gateway).toMatchObject({ reachable: false, error: "device identity required", credential: null });
    const hung = await runJson(["status", "--json", "--timeout", "300"], envFor(stateWithConfig({ gateway: { port: silent.port, auth: { token: "t".repeat(32) } } })));
    expect(hung.json.gateway.error).toContain("gateway timeout after 300ms");
    const human = await run(["status"], downEnv());
    expect(human.stdout).toMatch(/Gateway +unreachable · local · ws:\/\/127\.0\.0\.1:\d+ · gateway not reachable at/);
  });

  test("exit codes as the reference's: the plain report is 0 even when unreachable; --deep is 1 without a live probe", async () => {
    const down = downEnv();
    expect((await run(["status"], down)).code).toBe(0);
    expect((await runJson(["status", "--json"], down)).code).toBe(0);
    const deep = await run(["status", "--deep"], down);
    expect(deep.code).toBe(1);
    expect(deep.stderr).toMatch(/^Deep health probe failed: gateway not reachable at ws:\/\/127\.0\.0\.1:\d+$/);
    expect((await runJson(["status", "--deep", "--json"], down)).code).toBe(1);
    expect((await run(["status", "--deep"], env)).code).toBe(0);
  });
});

describe("openclaw logs (one read)", () => {
  test("`Log file: <file>` then parsed lines", async () => {
    const result = await run(["logs"], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe(`Log file: ${gw.logFile}`);
    expect(lines.slice(1).some((l) => /^\S+ INFO  \[gateway\] listening on ws:\/\/127\.0\.0\.1:\d+/.test(l))).toBe(true);
  });

  test("--json: a meta record, then log records", async () => {
    const { code, stdout } = await run(["logs", "--json", "--limit", "3"], env);
    expect(code).toBe(0);
    const records = stdout.split("\n").map((line) => JSON.parse(line));
    const shapes = records.slice(0, 2).map((r) => shapeOf(r));
    expect(records[0]).toMatchObject({ type: "meta", file: gw.logFile, cursor: expect.any(Number), size: expect.any(Number) });
    expect(records[1]).toMatchObject({ type: "log", level: expect.any(String), subsystem: expect.any(String), message: expect.any(String), raw: expect.any(String) });
    expect(shapes).toMatchSnapshot();
  });

  test("--utc renders times in UTC", async () => {
    const { stdout } = await run(["logs", "--limit", "1", "--utc"], env);
    expect(stdout.split("\n")[1]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /);
  });

  test("failures: wrong token, no token, unreachable (fails fast, no file fallback), bad flags", async () => {
    const wrong = await run(["logs", "--token", "wrong"], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("unauthorized: gateway token mismatch");
    const bare = await run(["logs"], noTokenEnv());
    expect(bare.code).toBe(1);
    expect(bare.stderr).toContain("Gateway is reachable, but this CLI has no token/password");
    const down = await run(["logs", "--follow"], downEnv());
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^gateway not reachable at ws:\/\/127\.0\.0\.1:\d+/);
    const badLimit = await run(["logs", "--limit", "0"], env);
    expect(badLimit.code).toBe(1);
    expect(badLimit.stderr).toContain('Expected --limit to be an integer 1-5000, got "0"');
    const hung = await run(["logs", "--url", silent.url, "--token", "x", "--timeout", "250"], env);
    expect(hung.stderr).toContain("gateway timeout after 250ms");
  });
});

describe("openclaw doctor", () => {
  test("finds loose permissions, a weak token and a missing log dir; --fix repairs only the safe ones and says so", async () => {
    const state = scratchDir("openclaw-doctor-");
    const logDir = join(state, "logs", "nested");
    const config = join(state, "openclaw.json");
    writeFileSync(config, JSON.stringify({ gateway: { mode: "local", port: freePort(), auth: { token: "short" } }, logging: { file: join(logDir, "gateway.log") } }));
    chmodSync(config, 0o644);
    chmodSync(state, 0o755);
    const doctorEnv = envFor(state);

    const before = await run(["doctor"], doctorEnv);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain(`[warn]  state-dir: ${state} is 0755`);
    expect(before.stdout).toContain(`[warn]  config-file: ${config} is 0644`);
    expect(before.stdout).toContain("[warn]  token: the gateway token from config is weak: 5 characters (want at least 24)");
    expect(before.stdout).toContain(`[warn]  log-dir: log directory ${logDir} does not exist`);
    expect(before.stdout).toContain("[info]  service: not installed");
    expect(before.stdout).toMatch(/\[ok\] +port: port \d+ \(config\) is free/);

    const fixed = await runJson(["doctor", "--fix", "--json"], doctorEnv);
    const shape = shapeOf(fixed.json);
    expect(fixed.code).toBe(0);
    expect(fixed.json.changes).toEqual([`chmod 700 ${state} (was 0755)`, `chmod 600 ${config} (was 0644)`, `created ${logDir} (0700)`]);
    expect(fixed.json.checks.find((c: { id: string }) => c.id === "token").status).toBe("warn");
    expect(shape).toMatchSnapshot();
    expect(statSync(state).mode & 0o777).toBe(0o700);
    expect(statSync(config).mode & 0o777).toBe(0o600);
    expect(existsSync(logDir)).toBe(true);

    const after = await run(["doctor"], doctorEnv);
    expect(after.stdout).toContain(`[ok]    state-dir: ${state} is 0700`);
    expect(after.stdout).not.toContain("Changed:");
  });

  test("the port held by this profile's gateway is fine (and ready)", async () => {
    const result = await run(["doctor"], env);
    expect(result.stdout).toContain(`port: port ${gw.port} is used by this profile's gateway (pid ${gw.pid}), ready`);
  });

  test("the port held by another OpenClaw gateway is a warning; by anything else a failure (exit 1)", async () => {
    const otherProfile = await run(["doctor"], envFor(stateWithConfig({ gateway: { port: gw.port, auth: { token: "y".repeat(32) } } })));
    expect(otherProfile.stdout).toContain(`[warn]  port: port ${gw.port} is used by another OpenClaw gateway`);
    const foreign = startReplayServer();
    try {
      const result = await run(["doctor"], envFor(stateWithConfig({ gateway: { port: foreign.port, auth: { token: "y".repeat(32) } } })));
      expect(result.code).toBe(1);
      expect(result.stdout).toContain(`[fail]  port: port ${foreign.port} is in use by another process`);
    } finally {
      foreign.stop();
    }
  });

  test("a gateway that is still starting is reported as starting (after waiting for /readyz), never as down", async () => {
    const check = async (readyAfterMs: number, timeout: string) => {
      const server = startReplayServer({ readyAfterMs });
      const state = stateWithConfig({ gateway: { port: server.port, auth: { token: "z".repeat(32) } } });
      // This test process stands in for the gateway that holds this profile's lock.
      writeFileSync(join(state, "gateway.lock"), JSON.stringify({ pid: process.pid, port: server.port }));
      try {
        return { port: server.port, result: await run(["doctor", "--timeout", timeout], envFor(state)) };
      } finally {
        server.stop();
      }
    };
    const soon = await check(400, "5000");
    expect(soon.result.stdout).toContain(`Waiting for the gateway on port ${soon.port} to become ready (/readyz`);
    expect(soon.result.stdout).toContain(`[ok]    port: port ${soon.port} is used by this profile's gateway (pid ${process.pid}), ready`);
    const never = await check(60_000, "1500");
    expect(never.result.code).toBe(0);
    expect(never.result.stdout).toContain(`[warn]  port: port ${never.port} is used by this profile's gateway (pid ${process.pid}), still starting`);
  });

  test("an invalid config, or no auth on a LAN bind, fails", async () => {
    const invalid = await run(["doctor"], envFor(stateWithConfig({ gateway: { prot: 1 } })));
    expect(invalid.code).toBe(1);
    expect(invalid.stdout).toContain("[fail]  config:");
    const open = await run(["doctor"], envFor(stateWithConfig({ gateway: { bind: "lan", auth: { mode: "none" } } })));
    expect(open.code).toBe(1);
    expect(open.stdout).toContain("[fail]  token: gateway.auth.mode=none with bind=lan");
  });

  test("an unwritable log directory fails", async () => {
    if (process.getuid?.() === 0) return; // root writes anywhere
    const state = scratchDir("openclaw-doctor-");
    const locked = join(state, "locked");
    mkdirSync(locked, { mode: 0o500 });
    const result = await run(["doctor"], envFor(stateWithConfig({ logging: { file: join(locked, "gw.log") } })));
    expect(result.stdout).toContain(`[fail]  log-dir: log directory ${locked} is not writable`);
  });
});
