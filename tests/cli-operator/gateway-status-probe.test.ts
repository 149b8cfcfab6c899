// `openclaw gateway status` and `gateway probe` end to end: spawned gateways (two for the "multiple
// reachable gateways" warning), a recording `ssh` shim that really forwards, and the failure cases.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { isAlive, sshShim, type SshShim } from "../helpers/ssh-shim.ts";
import { freePort, spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { startReplayServer, type ReplayServer } from "../client/_replay-server.ts";
import { cleanupScratch, envFor, run, runJson, scratchDir, shapeOf, stateWithConfig } from "./_helpers.ts";

const GATEWAY_PAYLOADS = ["health", "summary", "presence", "self"] as const;
let gw: SpawnedGateway;
let other: SpawnedGateway;
let env: Record<string, string | undefined>;
let silent: ReplayServer;

beforeAll(async () => {
  [gw, other] = await Promise.all([spawnGateway(), spawnGateway()]);
  env = envFor(gw.stateDir);
  silent = startReplayServer({ silent: true });
});
afterAll(async () => {
  silent.stop();
  await stopAllGateways();
  cleanupScratch();
});

describe("gateway status", () => {
  test("service view plus a connect probe (cli/probe → connect-only), exit 0", async () => {
    const result = await run(["gateway", "status"], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines[0]).toBe("Service: not installed");
    expect(lines).toContain(`File logs: ${gw.logFile}`);
    expect(lines).toContain(`Config (cli): ${gw.configPath}`);
    expect(lines).toContain(`Gateway: bind=loopback (127.0.0.1), port=${gw.port} (config)`);
    expect(lines).toContain(`Probe target: ws://127.0.0.1:${gw.port}`);
    // Runtime is the supervisor's word (no service installed here); the lock shows the hand-started gateway.
    expect(lines).toContain("Runtime: not installed");
    expect(lines.some((l) => l.startsWith(`Process: running (pid ${gw.pid}, port ${gw.port}`))).toBe(true);
    expect(lines.some((l) => /^Connectivity probe: ok \(\d+ms\)$/.test(l))).toBe(true);
    expect(lines).toContain("Capability: connect-only");
  });

  test("--json: stable shape; rpc.kind connect with the hello's auth and server", async () => {
    const { code, json } = await runJson(["gateway", "status", "--json"], env);
    // Shape first: Bun's toMatchObject writes asymmetric matchers into the received object.
    const shape = shapeOf(json);
    expect(code).toBe(0);
    expect(json.service).toMatchObject({ installed: false, state: "not installed", runtime: { status: "not installed" }, execStart: null, deepScan: null });
    expect(json.rpc).toMatchObject({ ok: true, kind: "connect", capability: "connected_no_operator_scope", auth: { role: "operator", scopes: [] }, server: { version: expect.any(String), connId: expect.any(String) } });
    expect(json.process).toMatchObject({ pid: gw.pid, alive: true, port: gw.port });
    expect(shape).toMatchSnapshot();
  });

  test("--require-rpc: a backend connection must answer `status`", async () => {
    const { code, json } = await runJson(["gateway", "status", "--require-rpc", "--json"], env);
    expect(code).toBe(0);
    expect(json.rpc).toMatchObject({ ok: true, kind: "read", capability: "read_only", runtimeVersion: expect.any(String) });
    const wrong = await run(["gateway", "status", "--require-rpc", "--token", "wrong-one"], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toContain("Connectivity probe: failed");
    expect(wrong.stderr).toContain("unauthorized: gateway token mismatch");
  });

  test("--no-probe: service view only; --require-rpc cannot be combined with it", async () => {
    const { code, json } = await runJson(["gateway", "status", "--no-probe", "--json"], env);
    expect(code).toBe(0);
    expect("rpc" in json).toBe(false);
    const both = await run(["gateway", "status", "--no-probe", "--require-rpc"], env);
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("--require-rpc cannot be combined with --no-probe");
  });

  test("unreachable: reported (exit 0), or exit 1 with --require-rpc", async () => {
    const port = freePort();
    const result = await run(["gateway", "status", "--port", String(port)], env);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Connectivity probe: failed\nProbe target: ws://127.0.0.1:${port}\n  gateway not reachable at ws://127.0.0.1:${port}`);
    expect((await run(["gateway", "status", "--port", String(port), "--require-rpc"], env)).code).toBe(1);
  });

  test("a server that never answers: the probe fails at --timeout", async () => {
    const { json } = await runJson(["gateway", "status", "--url", silent.url, "--token", "x", "--timeout", "300", "--json"], env);
    expect(json.rpc.ok).toBe(false);
    expect(json.rpc.error).toContain("gateway timeout after 300ms");
  });

  test("--url without credentials is reported as the probe error, not a crash", async () => {
    const { code, json } = await runJson(["gateway", "status", "--url", silent.url, "--json"], env);
    expect(code).toBe(0);
    expect(json.rpc).toMatchObject({ ok: false, error: "gateway url override requires explicit credentials" });
  });

  test("process looks running but the port is closed: the last gateway error line from the log", async () => {
    const state = scratchDir("openclaw-state-");
    const port = freePort();
    const logFile = join(state, "gateway.log");
    const record = (level: string, message: string) => JSON.stringify({ time: "2026-11-25T10:00:00.000+00:00", level, subsystem: "gateway", message });
    writeFileSync(logFile, [record("info", "starting"), record("error", "listen EADDRINUSE: port busy"), record("info", "retrying")].join("\n") + "\n");
    writeFileSync(join(state, "openclaw.json"), JSON.stringify({ gateway: { mode: "local", port, auth: { token: "t".repeat(32) } }, logging: { file: logFile } }));
    // This test process stands in for a live gateway that holds the lock but is not listening.
    writeFileSync(join(state, "gateway.lock"), JSON.stringify({ pid: process.pid, port, startedAt: new Date().toISOString() }));
    const result = await run(["gateway", "status"], envFor(state));
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`Gateway port ${port} is not listening (the gateway process appears running).`);
    expect(result.stderr).toContain("Last gateway error: 2026-11-25T10:00:00.000+00:00 listen EADDRINUSE: port busy");
  });

  test("an invalid config still gives a status (reported as invalid)", async () => {
    const state = scratchDir("openclaw-state-");
    writeFileSync(join(state, "openclaw.json"), JSON.stringify({ gateway: { port: gw.port, prot: 1 } }));
    const result = await run(["gateway", "status", "--no-probe"], envFor(state));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("(invalid)");
    expect(result.stderr).toContain("Config issue: gateway.prot");
  });
});

describe("gateway probe", () => {
  test("one local gateway: reachable, connect-only with a limited read probe (as the reference's cli/probe)", async () => {
    const result = await run(["gateway", "probe"], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.slice(0, 3)).toEqual(["Gateway Status", "Reachable: yes", "Probe budget: 3000ms"]);
    expect(lines).toContain(`Local loopback ws://127.0.0.1:${gw.port}`);
    expect(lines.some((l) => /^ {2}Connect: ok \(\d+ms\) · Capability: connect-only · Read probe: limited - missing scope: operator\.read$/.test(l))).toBe(true);
    expect(result.stdout).not.toContain("multiple reachable gateways");
  });

  test("--json: stable shape, warnings and per-target connect/auth", async () => {
    const { code, json } = await runJson(["gateway", "probe", "--json"], env);
    const shape = shapeOf(json, GATEWAY_PAYLOADS);
    expect(code).toBe(0);
    expect(json).toMatchObject({ ok: true, degraded: true, capability: "connected_no_operator_scope", primaryTargetId: "localLoopback" });
    expect(json.warnings.map((w: { code: string }) => w.code)).toEqual(["probe_scope_limited"]);
    expect(json.targets[0].connect).toMatchObject({ ok: true, rpcOk: false, scopeLimited: true, latencyMs: expect.any(Number) });
    expect(json.targets[0].self.instanceId).toEqual(expect.any(String));
    expect(shape).toMatchSnapshot();
  });

  test("two gateways on different ports reachable → `multiple reachable gateways`, both listed", async () => {
    const state = stateWithConfig({
      gateway: { mode: "local", port: gw.port, auth: { token: gw.token }, remote: { url: other.url, token: other.token } },
    });
    const result = await run(["gateway", "probe"], envFor(state));
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("multiple reachable gateways detected");
    expect(result.stdout).toContain(`Remote (configured, inactive) ${other.url}`);
    expect(result.stdout).toContain(`Local loopback ${gw.url}`);
    const { json } = await runJson(["gateway", "probe", "--json"], envFor(state));
    const warning = json.warnings.find((w: { code: string }) => w.code === "multiple_gateways");
    expect(warning.targetIds).toEqual(["configRemote", "localLoopback"]);
    expect(json.targets.map((t: { id: string; connect: { ok: boolean } }) => [t.id, t.connect.ok])).toEqual([["configRemote", true], ["localLoopback", true]]);
  });

  test("wrong token still counts as reachable (the gateway answered); exit 0", async () => {
    const { code, json } = await runJson(["gateway", "probe", "--token", "bad-token", "--json"], env);
    expect(code).toBe(0);
    expect(json.targets[0].connect).toMatchObject({ ok: true, rpcOk: false, latencyMs: null });
    expect(json.targets[0].connect.error).toBe("unauthorized: gateway token mismatch (provide gateway auth token)");
  });

  test("nothing reachable: exit 1", async () => {
    const port = freePort();
    const result = await run(["gateway", "probe", "--port", String(port)], env);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("Reachable: no");
    expect(result.stdout).toContain(`Connect: failed - gateway not reachable at ws://127.0.0.1:${port}`);
  });

  test("a target that never answers times out inside the budget while the others are still reported", async () => {
    // The budget leaves the loopback probe ample time even on a loaded machine.
    const { code, json } = await runJson(["gateway", "probe", "--url", silent.url, "--timeout", "1500", "--json"], env);
    expect(code).toBe(0);
    const explicit = json.targets.find((t: { id: string }) => t.id === "explicit");
    expect(explicit.connect.ok).toBe(false);
    expect(explicit.connect.error).toContain("gateway timeout after 1500ms");
    expect(json.targets.find((t: { id: string }) => t.id === "localLoopback").connect.ok).toBe(true);
  });

  test("a slow gateway (challenge after 1.7 s) is reachable within --timeout 4000: every probe honours --timeout", async () => {
    const slow = startReplayServer({ challengeDelayMs: 1700 });
    try {
      const { code, json } = await runJson(["gateway", "probe", "--url", slow.url, "--token", "testtoken123", "--timeout", "4000", "--json"], env);
      expect(code).toBe(0);
      expect(json.targets.find((t: { id: string }) => t.id === "explicit").connect).toMatchObject({ ok: true, latencyMs: expect.any(Number) });
    } finally {
      slow.stop();
    }
  });

  test("no token: the gateway refuses the connect, which still proves it is reachable", async () => {
    const { code, json } = await runJson(["gateway", "probe", "--json"], envFor(stateWithConfig({ gateway: { port: gw.port } })));
    expect(code).toBe(0);
    expect(json.targets[0].connect).toMatchObject({ ok: true, error: "device identity required" });
    const status = await runJson(["gateway", "status", "--json"], envFor(stateWithConfig({ gateway: { port: gw.port } })));
    expect(status.json.rpc).toMatchObject({ ok: false, error: "device identity required", errorCode: "NOT_PAIRED" });
  });

  // `--ssh-auto` with discovery browses mDNS, so its tests run inside a private network namespace:
  // tests/wiring/probe-ssh-auto.test.ts. Here only the case that never browses.

  describe("--ssh through a recording ssh shim", () => {
    let shim: SshShim;
    let bin: string;
    let calls: string;
    let pidFile: string;

    beforeAll(() => {
      shim = sshShim();
      ({ dir: bin, callsFile: calls, pidFile } = shim);
    });
    afterAll(() => shim.cleanup());

    test("opens `ssh -N -L <free>:127.0.0.1:<port> user@host`, probes through it, and stops it", async () => {
      const sshEnv = { ...env, PATH: `${bin}:${process.env.PATH}`, FAKE_CALLS: calls, FAKE_SSH_PID: pidFile };
      const { code, json } = await runJson(["gateway", "probe", "--ssh", "user@gateway-host:2222", "--ssh-identity", "/keys/id_ed25519", "--json"], sshEnv);
      expect(code).toBe(0);
      const argv = readFileSync(calls, "utf8").trim().split("\n").at(-1)!.split(" ");
      expect(argv.slice(0, 3)).toEqual(["-N", "-L", expect.stringMatching(new RegExp(`^\\d+:127\\.0\\.0\\.1:${gw.port}$`))]);
      expect(argv.at(-1)).toBe("user@gateway-host");
      expect(argv.join(" ")).toContain("-p 2222 -i /keys/id_ed25519");
      const localPort = Number(argv[2]!.split(":")[0]);
      const tunnel = json.targets.find((t: { id: string }) => t.id === "sshTunnel");
      expect(tunnel).toMatchObject({ url: `ws://127.0.0.1:${localPort}`, tunnel: { kind: "ssh", target: "user@gateway-host:2222", localPort, remotePort: gw.port }, connect: { ok: true } });
      // Tunnel and loopback reach the same gateway instance: no multiple-gateways warning.
      expect(json.warnings.map((w: { code: string }) => w.code)).not.toContain("multiple_gateways");
      const sshPid = Number(readFileSync(pidFile, "utf8"));
      expect(isAlive(sshPid)).toBe(false);
    });

    test("human output names the tunnel", async () => {
      const result = await run(["gateway", "probe", "--ssh", "user@gateway-host"], { ...env, PATH: `${bin}:${process.env.PATH}`, FAKE_CALLS: calls, FAKE_SSH_PID: pidFile });
      expect(result.code).toBe(0);
      expect(result.stdout).toMatch(/Remote over SSH ws:\/\/127\.0\.0\.1:\d+\n {2}Connect: ok/);
      expect(result.stdout).toContain("  ssh: user@gateway-host");
    });

    test("a failing ssh gives the ssh_tunnel_failed warning and the direct probes still run", async () => {
      const { code, json } = await runJson(["gateway", "probe", "--ssh", "user@gateway-host", "--json"], { ...env, PATH: `${bin}:${process.env.PATH}`, FAKE_CALLS: calls, FAKE_SSH_FAIL: "1" });
      expect(code).toBe(0);
      const warning = json.warnings.find((w: { code: string }) => w.code === "ssh_tunnel_failed");
      expect(warning.message).toContain("Permission denied (publickey)");
      expect(json.targets.map((t: { id: string }) => t.id)).toEqual(["localLoopback"]);
    });

    test("an explicit --ssh wins over --ssh-auto: nothing is discovered (no multicast here)", async () => {
      const sshEnv = { ...env, PATH: `${bin}:${process.env.PATH}`, FAKE_CALLS: calls, FAKE_SSH_PID: pidFile };
      const { code, json } = await runJson(["gateway", "probe", "--ssh", "user@gateway-host", "--ssh-auto", "--json"], sshEnv);
      expect(code).toBe(0);
      expect(json.discovery).toMatchObject({ available: false, count: 0 });
      expect(json.targets.find((t: { id: string }) => t.id === "sshTunnel")).toMatchObject({ tunnel: { target: "user@gateway-host" }, connect: { ok: true } });
    });

    test("a malformed --ssh target is refused", async () => {
      const result = await run(["gateway", "probe", "--ssh", "-oProxyCommand=evil"], { ...env, PATH: `${bin}:${process.env.PATH}`, FAKE_CALLS: calls });
      expect(result.code).toBe(1);
      expect(result.stderr).toContain("Expected --ssh to be user@host or user@host:port");
    });
  });
});

