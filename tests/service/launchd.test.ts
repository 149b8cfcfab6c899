// launchd through a recording launchctl shim: domain discovery first, bootstrap/bootout/kickstart in that domain.
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { createManager, createServiceContext } from "../../src/service/context.ts";
import { buildServiceSpec } from "../../src/service/spec.ts";
import { killSleepers, sandbox, writeConfig, type Sandbox } from "./_helpers.ts";

const TOKEN = "tok-launchd-secret-55555";
const LABEL = "ai.openclaw.gateway";
const GUI = `gui/501/${LABEL}`;
const USER = `user/501/${LABEL}`;
let sb: Sandbox;
beforeEach(() => {
  sb = sandbox();
  writeConfig(join(sb.home, ".openclaw"), { gateway: { mode: "local" } });
});
afterEach(() => sb.cleanup());
afterAll(killSleepers);

function setup(profile?: string) {
  const ctx = createServiceContext({ env: sb.env, profile, uid: 501, stopTimeoutMs: 10_000 });
  const manager = createManager("launchd", ctx);
  const spec = (port?: number) => buildServiceSpec(ctx, { command: ["/usr/local/bin/openclaw"], token: TOKEN, port }).spec;
  return { ctx, manager, spec };
}
const plistPath = (label = LABEL) => join(sb.home, "Library", "LaunchAgents", `${label}.plist`);
const envPath = () => join(sb.home, ".openclaw", "service.env");
const printBoth = [`launchctl print ${GUI}`, `launchctl print ${USER}`];

describe("launchd", () => {
  test("install writes the plist (0644) and env file (0600), then bootstraps into gui/<uid>", async () => {
    const { manager, spec } = setup();
    expect((await manager.install(spec(), { force: false })).result).toBe("installed");
    expect(sb.readCalls()).toEqual([...printBoth, "launchctl print-disabled gui/501", `launchctl bootstrap gui/501 ${plistPath()}`]);
    expect(statSync(plistPath()).mode & 0o777).toBe(0o644);
    expect(statSync(envPath()).mode & 0o777).toBe(0o600);
    expect(existsSync(join(sb.home, ".openclaw", "logs"))).toBe(true);
    expect(readFileSync(plistPath(), "utf8") + readFileSync(sb.calls, "utf8")).not.toContain(TOKEN);
  });

  test("a refused bootstrap removes the plist and env file it wrote", async () => {
    sb.env.FAKE_FAIL = "bootstrap";
    sb.env.FAKE_FAIL_MSG = "Bootstrap failed: 5: Input/output error";
    const { manager, spec } = setup();
    const error = await manager.install(spec(), { force: false }).catch((e) => e);
    expect(error).toMatchObject({ code: "supervisor-refused", message: expect.stringContaining("Bootstrap failed: 5: Input/output error") });
    expect(existsSync(plistPath())).toBe(false);
    expect(existsSync(envPath())).toBe(false);
  });

  test("with the job loaded in user/<uid> (e.g. from SSH), every action targets that domain", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    sb.setState("loaded", "user/501");
    sb.clearCalls();
    expect((await manager.restart()).result).toBe("restarted");
    expect(sb.readCalls()).toEqual([...printBoth, `launchctl kickstart -k ${USER}`]);
    const pid = sb.sleeper();
    sb.clearCalls();
    expect(await manager.status()).toMatchObject({ runtime: "running", pid, domain: "user/501" });
    expect(await manager.stop({ disable: false })).toMatchObject({ result: "stopped", pid });
    expect(sb.readCalls()).toEqual([...printBoth, ...printBoth, `launchctl bootout ${USER}`]);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  test("restart is one kickstart -k (no bootout + bootstrap)", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    sb.clearCalls();
    await manager.restart();
    expect(sb.readCalls()).toEqual([`launchctl print ${GUI}`, `launchctl kickstart -k ${GUI}`]);
  });

  test("stop is bootout without a persisted disable; stop --disable persists it; start re-enables first", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    sb.sleeper();
    sb.clearCalls();
    await manager.stop({ disable: false });
    expect(sb.readCalls()).toEqual([`launchctl print ${GUI}`, `launchctl bootout ${GUI}`]);
    expect(sb.hasState("disabled")).toBe(false);

    await manager.start();
    sb.sleeper();
    sb.clearCalls();
    expect((await manager.stop({ disable: true })).result).toBe("stopped-and-disabled");
    expect(sb.readCalls()).toEqual([`launchctl print ${GUI}`, `launchctl disable ${GUI}`, `launchctl bootout ${GUI}`]);

    sb.clearCalls();
    expect((await manager.start()).result).toBe("started");
    expect(sb.readCalls()).toEqual([...printBoth, "launchctl print-disabled gui/501", `launchctl enable ${GUI}`, `launchctl bootstrap gui/501 ${plistPath()}`]);
  });

  test("start leaves a running job alone", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    const pid = sb.sleeper();
    sb.clearCalls();
    expect(await manager.start()).toMatchObject({ result: "already-running", pid });
    expect(sb.readCalls()).toEqual([`launchctl print ${GUI}`]);
  });

  test("uninstall boots out, waits for exit, removes plist and env file", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    const pid = sb.sleeper();
    sb.clearCalls();
    expect((await manager.uninstall()).result).toBe("uninstalled");
    expect(sb.readCalls()).toEqual([`launchctl print ${GUI}`, `launchctl bootout ${GUI}`]);
    expect(() => process.kill(pid, 0)).toThrow();
    expect(existsSync(plistPath())).toBe(false);
    expect(existsSync(envPath())).toBe(false);
  });

  test("a named profile gets ai.openclaw.<profile>; launchd-colliding and uppercase names are refused", async () => {
    writeConfig(join(sb.home, ".openclaw-work"), { gateway: { mode: "local" } });
    const { manager, spec } = setup("work");
    await manager.install(spec(), { force: false });
    expect(existsSync(plistPath("ai.openclaw.work"))).toBe(true);
    for (const bad of ["gateway", "Work"]) {
      writeConfig(join(sb.home, `.openclaw-${bad}`), { gateway: { mode: "local" } });
      const other = setup(bad);
      await expect(other.manager.install(other.spec(), { force: false })).rejects.toMatchObject({ code: "invalid" });
    }
  });

  test("launchctl missing: a clear error", async () => {
    sb.env.PATH = join(sb.root, "empty");
    const { manager } = setup();
    expect(await manager.status()).toMatchObject({ runtime: "not installed", error: expect.stringContaining("launchctl was not found") });
  });
});
