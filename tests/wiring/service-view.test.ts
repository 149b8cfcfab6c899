// The service module wired into `gateway status`, `openclaw status` and `doctor` (in-process CLI), with the
// recording systemctl shim of tests/service on a temp PATH: runtime from the supervisor next to the RPC
// probe, the unit and its ExecStart in --json, --deep's other services, drift, and `doctor --fix`.
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createManager, createServiceContext } from "../../src/service/context.ts";
import { buildServiceSpec } from "../../src/service/spec.ts";
import { cli } from "../helpers/cli.ts";
import { freePort } from "../helpers/gateway.ts";
import { killSleepers, sandbox, writeConfig, type Sandbox } from "../service/_helpers.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
let sb: Sandbox;
let stateDir: string;
let fakeBin: string;
let port: number;
let env: Record<string, string | undefined>;

beforeEach(() => {
  sb = sandbox();
  stateDir = join(sb.home, ".openclaw");
  port = freePort();
  writeConfig(stateDir, { gateway: { mode: "local", port, auth: { token: "w".repeat(32) } } });
  chmodSync(stateDir, 0o700);
  fakeBin = join(sb.root, "openclaw");
  writeFileSync(fakeBin, "#!/bin/sh\n");
  chmodSync(fakeBin, 0o755);
  env = { ...sb.env, OPENCLAW_SERVICE_MANAGER: "systemd" };
});
afterEach(() => sb.cleanup());
afterAll(killSleepers);

const unitPath = () => join(sb.home, ".config", "systemd", "user", "openclaw-gateway.service");

/** Installs the unit through the service module, as `gateway install` from `command` would. */
async function install(command: string[] = [fakeBin], extra: { port?: number } = {}) {
  const ctx = createServiceContext({ env });
  await createManager("systemd", ctx).install(buildServiceSpec(ctx, { command, port: extra.port }).spec, { force: false });
  sb.clearCalls();
}

describe("gateway status: runtime from the supervisor, connectivity from RPC, separately", () => {
  test("not installed: the service section still names the unit it would write", async () => {
    const result = await cli(["gateway", "status", "--json", "--no-probe"], env);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).service).toEqual({
      installed: false,
      state: "not installed",
      manager: "systemd",
      scope: "user",
      name: "openclaw-gateway.service",
      runtime: { status: "not installed", pid: null, detail: null },
      unitPath: unitPath(),
      execStart: null,
      port: null,
      configPort: port,
      envFile: null,
      drift: [],
      repairPolicy: "auto",
      hints: [],
      error: null,
      deepScan: null,
    });
    expect(sb.readCalls()).toEqual([]); // nothing installed: the supervisor is not asked
  });

  test("installed and running, but nothing answers on the port: `Runtime: running` and `Connectivity probe: failed`", async () => {
    // The service runs the source checkout (bun + main.ts), as `gateway install` from source would: no drift.
    await install([process.execPath, MAIN]);
    const pid = sb.sleeper();
    sb.setState("active");
    const result = await cli(["gateway", "status", "--timeout", "2000"], env);
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n");
    expect(lines.slice(0, 4)).toEqual([
      "Service: systemd unit openclaw-gateway.service",
      `Service file: ${unitPath()}`,
      `Command: ${process.execPath} ${MAIN} gateway --port ${port}`,
      `Service env file: ${join(stateDir, "service.env")}`,
    ]);
    expect(lines).toContain(`Runtime: running (pid ${pid}, active/running (enabled))`);
    expect(result.stderr).toContain(`Connectivity probe: failed\nProbe target: ws://127.0.0.1:${port}\n  gateway not reachable at ws://127.0.0.1:${port}`);
    // The supervisor says running while the port is closed: the reference's "not listening" hint.
    expect(result.stderr).toContain(`Gateway port ${port} is not listening (the gateway process appears running).`);
    expect(result.stderr).not.toContain("Service drift");
    expect(sb.readCalls()).toEqual([`systemctl --user show --property=ActiveState,SubState,MainPID,UnitFileState openclaw-gateway.service`]);
  });

  test("stopped; --json carries the unit path, ExecStart and the supervisor's words", async () => {
    await install();
    rmSync(join(sb.state, "active")); // `enable --now` left the fake running
    const { service } = JSON.parse((await cli(["gateway", "status", "--json", "--no-probe"], env)).stdout);
    expect(service).toMatchObject({
      installed: true,
      state: "stopped",
      runtime: { status: "stopped", pid: null, detail: "inactive/dead (enabled)" },
      unitPath: unitPath(),
      execStart: `${fakeBin} gateway --port ${port}`,
      port,
      envFile: join(stateDir, "service.env"),
    });
    const human = await cli(["gateway", "status", "--no-probe"], env);
    expect(human.stdout.split("\n")).toContain("Runtime: stopped (inactive/dead (enabled))");
  });

  test("drift (port changed in config, another binary) is printed with the repair hint", async () => {
    await install();
    writeConfig(stateDir, { gateway: { mode: "local", port: port + 1, auth: { token: "w".repeat(32) } } });
    const result = await cli(["gateway", "status", "--no-probe"], env);
    expect(result.stderr).toContain(`Service drift: port: the service starts the gateway with --port ${port}, but the config resolves port ${port + 1}`);
    expect(result.stderr).toContain(`Service drift: binary moved: the service runs ${fakeBin}, but this openclaw is ${process.execPath} ${MAIN}`);
    expect(result.stderr).toContain("Service hint: Run `openclaw gateway install --force` (or `openclaw doctor --fix`) to rewrite the service.");
  });

  test("the supervisor cannot be asked: runtime unknown, with its reason", async () => {
    await install();
    const result = await cli(["gateway", "status", "--no-probe", "--json"], { ...env, FAKE_FAIL: "show", FAKE_FAIL_MSG: "Failed to connect to bus: No medium found" });
    expect(JSON.parse(result.stdout).service).toMatchObject({ installed: true, state: "unknown", runtime: { status: "unknown" }, error: expect.stringContaining("Failed to connect to bus") });
  });

  test("no usable supervisor: reported, not a crash", async () => {
    const result = await cli(["gateway", "status", "--no-probe"], { ...env, OPENCLAW_SERVICE_MANAGER: "runit" });
    expect(result.code).toBe(0);
    expect(result.stdout.split("\n")[0]).toBe('Service: unavailable (Expected OPENCLAW_SERVICE_MANAGER to be systemd, launchd or schtasks, got "runit")');
    expect(result.stdout).toContain("Runtime: unknown");
  });

  test("--deep lists other gateway-like services with cleanup hints", async () => {
    await install();
    const userDir = join(sb.home, ".config", "systemd", "user");
    writeFileSync(join(userDir, "openclaw-gateway-rescue.service"), "[Service]\nExecStart=/usr/bin/openclaw gateway --port 19100 --profile rescue\n");
    const result = await cli(["gateway", "status", "--deep", "--no-probe"], env);
    const lines = result.stdout.split("\n");
    const at = lines.indexOf("Other gateway-like services detected (best effort):");
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toBe(`- openclaw-gateway-rescue.service (systemd user, profile "rescue", port 19100) ${join(userDir, "openclaw-gateway-rescue.service")}`);
    expect(lines[at + 2]).toBe("  cleanup: openclaw --profile rescue gateway uninstall");
    const { service } = JSON.parse((await cli(["gateway", "status", "--deep", "--no-probe", "--json"], env)).stdout);
    expect(service.deepScan.heading).toBe("Other gateway-like services detected (best effort)");
    expect(service.deepScan.services).toContainEqual(expect.objectContaining({ name: "openclaw-gateway-rescue.service", cleanup: "openclaw --profile rescue gateway uninstall" }));
  });
});

describe("openclaw status: the Service row", () => {
  test("manager, unit, runtime and drift count", async () => {
    await install();
    const pid = sb.sleeper();
    sb.setState("active");
    const result = await cli(["status", "--timeout", "2000"], env);
    expect(result.stdout.split("\n")).toContain(
      `Service   systemd unit openclaw-gateway.service · running (pid ${pid}, active/running (enabled)) · 1 drift (run openclaw doctor)`,
    );
    const { json } = { json: JSON.parse((await cli(["status", "--json", "--timeout", "2000"], env)).stdout) };
    expect(json.service).toMatchObject({ installed: true, state: "running", execStart: `${fakeBin} gateway --port ${port}`, drift: [expect.stringContaining("binary moved")] });
  });
});

/** The service repairs doctor --fix reports; a log folder it also creates on a fresh machine (/tmp/openclaw) is not one. */
const serviceChanges = (changes: string[]) => changes.filter((change) => !/^created .* \(0700\)$/.test(change));

describe("doctor: service drift and --fix", () => {
  test("not installed is informational", async () => {
    const result = await cli(["doctor"], env);
    expect(result.stdout).toContain("[info]  service: not installed (systemd unit openclaw-gateway.service)");
  });

  test("port drift is a warning; --fix rewrites the unit with the config's port and this openclaw, and says so", async () => {
    await install([process.execPath, MAIN]);
    writeConfig(stateDir, { gateway: { mode: "local", port: port + 1, auth: { token: "w".repeat(32) } } });
    const before = await cli(["doctor"], env);
    expect(before.stdout).toContain(
      `[warn]  service-drift: systemd unit openclaw-gateway.service differs from what this openclaw would install: port: the service starts the gateway with --port ${port}, but the config resolves port ${port + 1}`,
    );
    expect(before.stdout).toContain("        fix: openclaw gateway install --force (or run `openclaw doctor --fix`)");
    expect(readFileSync(unitPath(), "utf8")).toContain(`--port ${port}\n`);

    const fixed = await cli(["doctor", "--fix", "--json"], env);
    const report = JSON.parse(fixed.stdout);
    expect(report.checks.find((c: { id: string }) => c.id === "service-drift").status).toBe("fixed");
    expect(serviceChanges(report.changes)).toEqual([`rewrote systemd unit openclaw-gateway.service (${unitPath()}; ExecStart ${process.execPath} ${MAIN} gateway --port ${port + 1})`]);
    expect(readFileSync(unitPath(), "utf8")).toContain(`\nExecStart=${process.execPath} ${MAIN} gateway --port ${port + 1}\n`);
    // The supervisor's own restart after the rewrite; the token stays in the env file.
    expect(sb.readCalls()).toContain("systemctl --user restart openclaw-gateway.service");
    expect(readFileSync(sb.calls, "utf8") + readFileSync(unitPath(), "utf8")).not.toContain("w".repeat(32));

    const after = await cli(["doctor", "--json"], env);
    expect(JSON.parse(after.stdout).checks.map((c: { id: string }) => c.id)).not.toContain("service-drift");
  });

  test("a user unit refused by the supervisor: the repair failure is reported, nothing claimed fixed", async () => {
    await install();
    const result = await cli(["doctor", "--fix", "--json"], { ...env, FAKE_FAIL: "daemon-reload", FAKE_FAIL_MSG: "Failed: refused by fake" });
    const report = JSON.parse(result.stdout);
    const drift = report.checks.find((c: { id: string }) => c.id === "service-drift");
    expect(drift.status).toBe("warn");
    expect(drift.message).toContain("repair failed:");
    expect(serviceChanges(report.changes)).toEqual([]);
  });
});
