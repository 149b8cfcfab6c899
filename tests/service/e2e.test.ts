// End to end from the compiled binary on Linux: install (shim systemctl) → status (library and
// `gateway status --json`) → uninstall, against a real gateway this test started on the port the unit
// names; then install from one path, move the binary, and `doctor` names the drift and `--fix` rewrites it.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync } from "node:fs";
import { join } from "node:path";
import { readServiceStatus } from "../../src/service/status.ts";
import { compiledBinary, runCommand } from "../helpers/binary.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { allText, killSleepers, sandbox, type Sandbox } from "./_helpers.ts";

let bin: string;
let sb: Sandbox;
let gateway: SpawnedGateway;

beforeAll(async () => {
  bin = await compiledBinary();
  sb = sandbox();
  mkdirSync(join(sb.home, ".openclaw"), { recursive: true, mode: 0o700 });
  gateway = await spawnGateway({ stateDir: join(sb.home, ".openclaw") });
}, 120_000);
afterAll(async () => {
  await stopAllGateways();
  await killSleepers();
  sb.cleanup();
});

/** The binary with the sandbox env only (no OPENCLAW_* from the developer's shell). */
const openclaw = (...args: string[]) =>
  runCommand([bin, ...args], {
    env: { ...sb.env, OPENCLAW_STATE_DIR: undefined, OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_GATEWAY_TOKEN: undefined, OPENCLAW_GATEWAY_PORT: undefined, OPENCLAW_PROFILE: undefined },
  });

describe.skipIf(process.platform !== "linux")("compiled openclaw: gateway install → status → uninstall (systemd shim)", () => {
  const unit = () => join(sb.home, ".config", "systemd", "user", "openclaw-gateway.service");
  const envFile = () => join(sb.home, ".openclaw", "service.env");

  test("install writes a unit whose ExecStart is this binary and finds the gateway ready", async () => {
    const result = await openclaw("gateway", "install", "--port", String(gateway.port), "--token", gateway.token, "--json");
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(gateway.token);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      ok: true,
      result: "installed",
      definitionPath: unit(),
      execStart: `${bin} gateway --port ${gateway.port}`,
      readiness: { state: "ready", url: `http://127.0.0.1:${gateway.port}/readyz` },
    });
    expect(readFileSync(unit(), "utf8")).toContain(`\nExecStart=${bin} gateway --port ${gateway.port}\n`);
    expect(sb.readCalls()).toEqual([
      "systemctl --user daemon-reload",
      "systemctl --user enable --now openclaw-gateway.service",
      "loginctl show-user alice --property=Linger --value",
    ]);
  });

  test("status shows the unit, ExecStart at the binary, running, no drift", async () => {
    const report = await readServiceStatus({ env: sb.env, manager: "systemd", command: [bin] });
    expect(report).toMatchObject({
      installed: true,
      runtime: "running",
      unitPath: unit(),
      execStart: `${bin} gateway --port ${gateway.port}`,
      port: gateway.port,
      configPort: gateway.port,
      drift: [],
    });
  });

  test("`gateway status --json` (the binary): the unit, ExecStart at the binary, runtime from the supervisor, and the probe of the running gateway", async () => {
    const result = await openclaw("gateway", "status", "--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.service).toMatchObject({
      installed: true,
      manager: "systemd",
      scope: "user",
      name: "openclaw-gateway.service",
      state: "running",
      runtime: { status: "running" },
      unitPath: unit(),
      execStart: `${bin} gateway --port ${gateway.port}`,
      port: gateway.port,
      configPort: gateway.port,
      envFile: envFile(),
      drift: [],
      repairPolicy: "auto",
    });
    expect(report.rpc).toMatchObject({ ok: true, url: `ws://127.0.0.1:${gateway.port}`, server: { version: expect.any(String) } });
    expect(report.process).toMatchObject({ pid: gateway.pid, alive: true });
    const human = await openclaw("gateway", "status");
    expect(human.code).toBe(0);
    const lines = human.stdout.split("\n");
    expect(lines[0]).toBe("Service: systemd unit openclaw-gateway.service");
    expect(lines).toContain(`Service file: ${unit()}`);
    expect(lines).toContain(`Command: ${bin} gateway --port ${gateway.port}`);
    expect(lines.some((l) => l.startsWith("Runtime: running"))).toBe(true);
    expect(lines.some((l) => /^Connectivity probe: ok \(\d+ms\)$/.test(l))).toBe(true);
    expect(human.stdout + human.stderr + result.stdout).not.toContain(gateway.token);
  });

  test("uninstall removes the unit and the env file; the token never left the env file", async () => {
    // The same token as the gateway's config (else status reports token drift); it must stay out of unit and calls.
    expect(readFileSync(envFile(), "utf8")).toContain(`OPENCLAW_GATEWAY_TOKEN=${gateway.token}`);
    expect(allText(join(sb.home, ".config")) + readFileSync(sb.calls, "utf8")).not.toContain(gateway.token);
    const result = await openclaw("gateway", "uninstall", "--json");
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true, result: "uninstalled" });
    expect(existsSync(unit())).toBe(false);
    expect(existsSync(envFile())).toBe(false);
    expect(sb.readCalls().slice(-3)).toEqual([
      "systemctl --user show --property=MainPID --value openclaw-gateway.service",
      "systemctl --user disable --now openclaw-gateway.service",
      "systemctl --user daemon-reload",
    ]);
    expect(result.stdout + result.stderr).not.toContain(gateway.token);
  });
});

describe.skipIf(process.platform !== "linux")("compiled openclaw: install from one path, move the binary, doctor names the drift", () => {
  const unit = () => join(sb.home, ".config", "systemd", "user", "openclaw-gateway.service");
  let first: string;
  let moved: string;

  /** `openclaw` at another path (a hard link when possible: the binary is >100 MB). */
  function place(path: string): void {
    mkdirSync(join(path, ".."), { recursive: true });
    try {
      linkSync(bin, path);
    } catch {
      copyFileSync(bin, path);
    }
  }
  const at = (exe: string, ...args: string[]) =>
    runCommand([exe, ...args], {
      env: { ...sb.env, OPENCLAW_STATE_DIR: undefined, OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_GATEWAY_TOKEN: undefined, OPENCLAW_GATEWAY_PORT: undefined, OPENCLAW_PROFILE: undefined },
      timeoutMs: 30_000,
    });

  test("install from the first path; after the move `doctor` fails with the drift and names both paths", async () => {
    first = join(sb.root, "old-place", "openclaw");
    moved = join(sb.root, "new-place", "openclaw");
    place(first);
    const install = await at(first, "gateway", "install", "--port", String(gateway.port), "--token", gateway.token, "--json");
    expect(install.code).toBe(0);
    expect(JSON.parse(install.stdout)).toMatchObject({ ok: true, execStart: `${first} gateway --port ${gateway.port}` });
    mkdirSync(join(moved, ".."), { recursive: true });
    renameSync(first, moved);

    const doctor = await at(moved, "doctor", "--json");
    expect(doctor.code).toBe(1);
    const checks = JSON.parse(doctor.stdout).checks as { id: string; status: string; message: string; fix: string | null }[];
    const drift = checks.find((c) => c.id === "service-drift")!;
    expect(drift.status).toBe("fail");
    expect(drift.message).toContain(`binary missing: the service runs ${first}, which no longer exists (moved or upgraded?)`);
    expect(drift.message).toContain(`binary moved: the service runs ${first}, but this openclaw is ${moved}`);
    expect(drift.fix).toBe("openclaw gateway install --force");
    const human = await at(moved, "doctor");
    expect(human.stdout).toContain(`[fail]  service-drift: systemd unit openclaw-gateway.service differs from what this openclaw would install: binary missing`);
    expect(human.stdout).toContain("fix: openclaw gateway install --force (or run `openclaw doctor --fix`)");
  });

  test("OPENCLAW_SERVICE_REPAIR_POLICY=external: `doctor --fix` leaves the unit alone", async () => {
    const before = readFileSync(unit(), "utf8");
    sb.clearCalls();
    const result = await runCommand([moved, "doctor", "--fix", "--json"], {
      env: { ...sb.env, OPENCLAW_STATE_DIR: undefined, OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_GATEWAY_TOKEN: undefined, OPENCLAW_GATEWAY_PORT: undefined, OPENCLAW_SERVICE_REPAIR_POLICY: "external" },
      timeoutMs: 30_000,
    });
    const report = JSON.parse(result.stdout);
    expect(report.checks.find((c: { id: string }) => c.id === "service-drift")).toMatchObject({ status: "fail", fix: expect.stringContaining("OPENCLAW_SERVICE_REPAIR_POLICY=external") });
    expect(report.changes).toEqual([]);
    expect(readFileSync(unit(), "utf8")).toBe(before);
    expect(sb.readCalls().filter((c) => !/ show | is-active /.test(c))).toEqual([]);
  });

  test("`doctor --fix` rewrites the unit to the moved binary (the supervisor's restart), then no drift is left", async () => {
    sb.clearCalls();
    const fixed = await at(moved, "doctor", "--fix", "--json");
    const report = JSON.parse(fixed.stdout);
    expect(report.checks.find((c: { id: string }) => c.id === "service-drift").status).toBe("fixed");
    expect(report.changes).toContainEqual(`rewrote systemd unit openclaw-gateway.service (${unit()}; ExecStart ${moved} gateway --port ${gateway.port})`);
    expect(readFileSync(unit(), "utf8")).toContain(`\nExecStart=${moved} gateway --port ${gateway.port}\n`);
    expect(sb.readCalls()).toContain("systemctl --user daemon-reload");
    expect(readFileSync(sb.calls, "utf8") + readFileSync(unit(), "utf8")).not.toContain(gateway.token);
    const after = await at(moved, "doctor", "--json");
    const checks = JSON.parse(after.stdout).checks as { id: string; status: string }[];
    expect(checks.find((c) => c.id === "service-drift")).toBeUndefined();
    expect(checks.find((c) => c.id === "service")).toMatchObject({ status: "ok" });
    const uninstall = await at(moved, "gateway", "uninstall", "--json");
    expect(uninstall.code).toBe(0);
    expect(existsSync(unit())).toBe(false);
  });
});
