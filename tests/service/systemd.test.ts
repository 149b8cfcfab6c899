// systemd through recording shims on PATH: exact call sequences, including the failure paths.
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createManager, createServiceContext } from "../../src/service/context.ts";
import { buildServiceSpec } from "../../src/service/spec.ts";
import type { ServiceContext, ServiceManager, ServiceSpec } from "../../src/service/types.ts";
import { killSleepers, sandbox, writeConfig, type Sandbox } from "./_helpers.ts";

const TOKEN = "tok-systemd-secret-98765";
const UNIT = "openclaw-gateway.service";
let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
  writeConfig(join(sb.home, ".openclaw"), { gateway: { mode: "local", port: 18789 } });
});
afterEach(() => sb.cleanup());
afterAll(killSleepers);

function setup(opts: { isAlive?: (pid: number) => boolean; stopTimeoutMs?: number; system?: boolean } = {}) {
  const ctx = createServiceContext({
    env: sb.env,
    roots: { systemdSystemDir: join(sb.root, "etc-systemd") },
    stopTimeoutMs: opts.stopTimeoutMs ?? 10_000,
    isAlive: opts.isAlive,
    system: opts.system,
  });
  const manager = createManager("systemd", ctx);
  const spec = (inputs: Parameters<typeof buildServiceSpec>[1] = {}): ServiceSpec =>
    buildServiceSpec(ctx, { command: ["/opt/openclaw/bin/openclaw"], token: TOKEN, ...inputs }).spec;
  return { ctx, manager, spec };
}
const unitPath = () => join(sb.home, ".config", "systemd", "user", UNIT);
const envPath = () => join(sb.home, ".openclaw", "service.env");
const calls = () => sb.readCalls();
const sc = (...args: string[]) => `systemctl --user ${args.join(" ")}`;

describe("systemd install", () => {
  test("writes unit (0644) and env file (0600), then daemon-reload, enable --now, linger check", async () => {
    const { manager, spec } = setup();
    const outcome = await manager.install(spec(), { force: false });
    expect(outcome.result).toBe("installed");
    expect(calls()).toEqual([sc("daemon-reload"), sc("enable", "--now", UNIT), "loginctl show-user alice --property=Linger --value"]);
    expect(statSync(unitPath()).mode & 0o777).toBe(0o644);
    expect(statSync(envPath()).mode & 0o777).toBe(0o600);
    expect(readFileSync(envPath(), "utf8")).toContain(`OPENCLAW_GATEWAY_TOKEN=${TOKEN}`);
    const unit = readFileSync(unitPath(), "utf8");
    expect(unit).toContain("ExecStart=/opt/openclaw/bin/openclaw gateway --port 18789\n");
    expect(unit).toContain(`EnvironmentFile=${envPath()}`);
    expect(unit + readFileSync(sb.calls, "utf8")).not.toContain(TOKEN);
    expect(outcome.hints).toEqual([]);
  });

  test("prints the enable-linger hint when linger is off", async () => {
    sb.setState("linger", "no");
    const { manager, spec } = setup();
    const outcome = await manager.install(spec(), { force: false });
    expect(outcome.hints.join("\n")).toContain("sudo loginctl enable-linger alice");
  });

  test("same settings again is a no-op; different settings are refused without --force", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    sb.clearCalls();
    expect((await manager.install(spec(), { force: false })).result).toBe("unchanged");
    expect(calls()).toEqual([sc("is-active", UNIT)]);
    const before = readFileSync(unitPath(), "utf8");
    sb.clearCalls();
    await expect(manager.install(spec({ port: 19999 }), { force: false })).rejects.toMatchObject({
      code: "already-installed",
      message: expect.stringContaining("--port 19999"),
    });
    expect(calls()).toEqual([]);
    expect(readFileSync(unitPath(), "utf8")).toBe(before);
  });

  test("--force over a running unit reloads, enables and restarts it (one restart call)", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    sb.clearCalls();
    const outcome = await manager.install(spec({ port: 19999 }), { force: true });
    expect(outcome.result).toBe("reinstalled");
    expect(calls()).toEqual([sc("is-active", UNIT), sc("daemon-reload"), sc("enable", UNIT), sc("restart", UNIT), "loginctl show-user alice --property=Linger --value"]);
    expect(readFileSync(unitPath(), "utf8")).toContain("--port 19999");
  });

  test("the supervisor refusing enable --now: clear error, unit and env file removed, registration undone", async () => {
    sb.env.FAKE_FAIL = "enable --now";
    sb.env.FAKE_FAIL_MSG = "Failed to enable unit: Unit file is masked.";
    const { manager, spec } = setup();
    const error = await manager.install(spec(), { force: false }).catch((e) => e);
    expect(error).toMatchObject({ code: "supervisor-refused" });
    expect(error.message).toContain(`systemctl --user enable --now ${UNIT} failed: Failed to enable unit: Unit file is masked.`);
    expect(calls()).toEqual([sc("daemon-reload"), sc("enable", "--now", UNIT), sc("disable", UNIT), sc("daemon-reload")]);
    expect(existsSync(unitPath())).toBe(false);
    expect(existsSync(envPath())).toBe(false);
  });

  test("a failed --force reinstall puts the previous unit and env file back", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    const unitBefore = readFileSync(unitPath(), "utf8");
    const envBefore = readFileSync(envPath(), "utf8");
    sb.env.FAKE_FAIL = " restart ";
    const failing = setup();
    await expect(failing.manager.install(failing.spec({ port: 19999, token: "another-token" }), { force: true })).rejects.toMatchObject({ code: "supervisor-refused" });
    expect(readFileSync(unitPath(), "utf8")).toBe(unitBefore);
    expect(readFileSync(envPath(), "utf8")).toBe(envBefore);
    expect(statSync(envPath()).mode & 0o777).toBe(0o600);
  });

  test("no reachable user manager (no bus): a clear 'unavailable' error and nothing left behind", async () => {
    sb.env.FAKE_FAIL = "daemon-reload";
    sb.env.FAKE_FAIL_MSG = "Failed to connect to bus: No medium found";
    const { manager, spec } = setup();
    const error = await manager.install(spec(), { force: false }).catch((e) => e);
    expect(error).toMatchObject({ code: "supervisor-unavailable", message: expect.stringContaining("could not reach the systemd user manager") });
    expect(existsSync(unitPath())).toBe(false);
    expect(existsSync(envPath())).toBe(false);
  });

  test("systemctl missing from PATH: 'not found', nothing written", async () => {
    sb.cleanup();
    sb = sandbox(["loginctl"]);
    sb.env.PATH = sb.bin; // the host may have a real systemctl in /usr/bin
    writeConfig(join(sb.home, ".openclaw"), { gateway: { mode: "local" } });
    const { manager, spec } = setup();
    await expect(manager.install(spec(), { force: false })).rejects.toMatchObject({ code: "supervisor-unavailable", message: expect.stringContaining("systemctl was not found") });
    expect(existsSync(unitPath())).toBe(false);
    expect(existsSync(envPath())).toBe(false);
  });

  test("a unit directory that cannot be written: write-failed, and the env file written before it is removed", async () => {
    writeFileSync(join(sb.root, "not-a-dir"), "");
    sb.env.XDG_CONFIG_HOME = join(sb.root, "not-a-dir");
    const { manager, spec } = setup();
    await expect(manager.install(spec(), { force: false })).rejects.toMatchObject({ code: "write-failed", message: expect.stringContaining("Cannot write") });
    expect(existsSync(envPath())).toBe(false);
    expect(calls()).toEqual([]);
  });

  test("a system unit for the same port refuses the user unit, with the repair-policy hint", async () => {
    const dir = join(sb.root, "etc-systemd");
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, "my-openclaw.service"), "[Service]\nExecStart=/usr/bin/openclaw gateway --port 18789\n");
    const { manager, spec } = setup();
    const error = await manager.install(spec(), { force: false }).catch((e) => e);
    expect(error).toMatchObject({ code: "conflict" });
    expect(error.hint).toContain("OPENCLAW_SERVICE_REPAIR_POLICY=external");
    expect(calls()).toEqual([]);
    expect(existsSync(unitPath())).toBe(false);
  });

  test("--system writes /etc/systemd/system/… with User= and multi-user.target and calls systemctl without --user", async () => {
    const { manager, spec } = setup({ system: true });
    await manager.install(spec(), { force: false });
    const unit = readFileSync(join(sb.root, "etc-systemd", UNIT), "utf8");
    expect(unit).toContain("User=alice");
    expect(unit).toContain("WantedBy=multi-user.target");
    expect(calls()).toEqual(["systemctl daemon-reload", `systemctl enable --now ${UNIT}`]);
  });
});

describe("systemd lifecycle", () => {
  async function installed(): Promise<ServiceManager> {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    sb.clearCalls();
    return manager;
  }

  test("stop reports success only after the process has exited", async () => {
    const manager = await installed();
    const pid = sb.sleeper();
    const outcome = await manager.stop({ disable: false });
    expect(outcome).toMatchObject({ result: "stopped", pid });
    expect(calls()).toEqual([sc("show", "--property=MainPID", "--value", UNIT), sc("stop", UNIT)]);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  test("stop times out with a clear error while the process is still alive", async () => {
    const { manager, spec } = setup({ isAlive: () => true, stopTimeoutMs: 200 });
    await manager.install(spec(), { force: false });
    sb.sleeper();
    await expect(manager.stop({ disable: false })).rejects.toMatchObject({ code: "stop-timeout" });
  });

  test("stop --disable stops, then disables", async () => {
    const manager = await installed();
    sb.sleeper();
    expect((await manager.stop({ disable: true })).result).toBe("stopped-and-disabled");
    expect(calls()).toEqual([sc("show", "--property=MainPID", "--value", UNIT), sc("stop", UNIT), sc("disable", UNIT)]);
  });

  test("restart is one `systemctl restart`, never stop + start", async () => {
    const manager = await installed();
    expect((await manager.restart()).result).toBe("restarted");
    expect(calls()).toEqual([sc("restart", UNIT)]);
  });

  test("start leaves a running unit alone and starts (re-enabling) a stopped one", async () => {
    const manager = await installed();
    expect((await manager.start()).result).toBe("already-running");
    expect(calls()).toEqual([sc("is-active", UNIT), sc("show", "--property=MainPID", "--value", UNIT)]);
    await manager.stop({ disable: true });
    sb.clearCalls();
    expect((await manager.start()).result).toBe("started");
    expect(calls()).toEqual([sc("is-active", UNIT), sc("enable", "--now", UNIT)]);
  });

  test("start and restart of a missing unit fail with the install hint; stop and uninstall are no-ops", async () => {
    const { manager } = setup();
    await expect(manager.start()).rejects.toMatchObject({ code: "not-installed", hint: expect.stringContaining("openclaw gateway install") });
    await expect(manager.restart()).rejects.toMatchObject({ code: "not-installed" });
    expect((await manager.stop({ disable: false })).result).toBe("not-installed");
    expect((await manager.uninstall()).result).toBe("not-installed");
    expect(calls()).toEqual([]);
  });

  test("uninstall disables --now, waits for exit, removes unit and env file, reloads", async () => {
    const manager = await installed();
    const pid = sb.sleeper();
    expect((await manager.uninstall()).result).toBe("uninstalled");
    expect(calls()).toEqual([sc("show", "--property=MainPID", "--value", UNIT), sc("disable", "--now", UNIT), sc("daemon-reload")]);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(unitPath())).toBe(false);
    expect(existsSync(envPath())).toBe(false);
  });

  test("uninstall refuses (keeping the files) when systemd cannot be asked", async () => {
    await installed();
    sb.env.FAKE_FAIL = "disable --now";
    sb.env.FAKE_FAIL_MSG = "Failed to connect to bus: No medium found";
    const { manager } = setup();
    await expect(manager.uninstall()).rejects.toMatchObject({ code: "supervisor-unavailable" });
    expect(existsSync(unitPath())).toBe(true);
  });

  test("status reads ActiveState and MainPID", async () => {
    const manager = await installed();
    const pid = sb.sleeper();
    expect(await manager.status()).toEqual({ installed: true, runtime: "running", pid, detail: "active/running (enabled)" });
    await manager.stop({ disable: false });
    expect(await manager.status()).toMatchObject({ installed: true, runtime: "stopped" });
  });
});

export type { ServiceContext };
