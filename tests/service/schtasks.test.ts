// Task Scheduler through recording schtasks/cmd.exe/taskkill shims, including the Startup-folder fallback.
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createManager, createServiceContext } from "../../src/service/context.ts";
import { parseTaskQuery } from "../../src/service/schtasks.ts";
import { decodeTaskFile } from "../../src/service/schtasks-xml.ts";
import { buildServiceSpec } from "../../src/service/spec.ts";
import { killSleepers, sandbox, writeConfig, type Sandbox } from "./_helpers.ts";

const TOKEN = "tok-schtasks-secret-4242";
const TN = "OpenClaw Gateway";
const QUERY = `schtasks /Query /TN ${TN} /FO LIST /V`;
let sb: Sandbox;
let stateDir: string;
beforeEach(() => {
  sb = sandbox();
  sb.env.APPDATA = join(sb.home, "AppData", "Roaming");
  stateDir = join(sb.home, ".openclaw");
  writeConfig(stateDir, { gateway: { mode: "local" } });
});
afterEach(() => sb.cleanup());
afterAll(killSleepers);

function setup() {
  const ctx = createServiceContext({ env: sb.env, platform: "win32", stopTimeoutMs: 10_000 });
  const manager = createManager("schtasks", ctx);
  const spec = () => buildServiceSpec(ctx, { command: ["C:\\OpenClaw\\openclaw.exe"], token: TOKEN }).spec;
  return { manager, spec };
}
const xmlPath = () => join(stateDir, "gateway-task.xml");
const startupCmd = () => join(sb.env.APPDATA!, "Microsoft", "Windows", "Start Menu", "Programs", "Startup", `${TN}.cmd`);
/** The gateway's own lock file, which is where a task's PID comes from. */
function runningGateway(): number {
  const pid = sb.sleeper();
  writeFileSync(join(stateDir, "gateway.lock"), JSON.stringify({ pid, port: 18789 }));
  return pid;
}

describe("schtasks", () => {
  test("install writes the UTF-16 task XML, creates the task from it and runs it", async () => {
    const { manager, spec } = setup();
    expect((await manager.install(spec(), { force: false })).result).toBe("installed");
    expect(sb.readCalls()).toEqual([`schtasks /Create /TN ${TN} /XML ${xmlPath()} /F`, `schtasks /Run /TN ${TN}`]);
    const xml = decodeTaskFile(readFileSync(xmlPath()));
    expect(xml).toContain("<Command>C:\\OpenClaw\\openclaw.exe</Command>");
    expect(xml).toContain("<Arguments>gateway --port 18789</Arguments>");
    expect(xml + readFileSync(sb.calls, "utf8")).not.toContain(TOKEN);
    expect(readFileSync(join(stateDir, "service.env"), "utf8")).toContain(TOKEN);
  });

  test("a failed /Run deletes the new task and removes every file it wrote", async () => {
    sb.env.FAKE_FAIL = "/Run";
    sb.env.FAKE_FAIL_MSG = "ERROR: The task could not be started.";
    const { manager, spec } = setup();
    await expect(manager.install(spec(), { force: false })).rejects.toMatchObject({ code: "supervisor-refused", message: expect.stringContaining("The task could not be started") });
    expect(sb.readCalls()).toEqual([`schtasks /Create /TN ${TN} /XML ${xmlPath()} /F`, `schtasks /Run /TN ${TN}`, `schtasks /Delete /TN ${TN} /F`]);
    expect(existsSync(xmlPath())).toBe(false);
    expect(existsSync(join(stateDir, "service.env"))).toBe(false);
  });

  test("Access is denied: falls back to gateway.cmd plus a Startup-folder launcher, neither holding the token", async () => {
    sb.env.FAKE_FAIL = "/Create";
    sb.env.FAKE_FAIL_MSG = "ERROR: Access is denied.";
    const { manager, spec } = setup();
    const outcome = await manager.install(spec(), { force: false });
    expect(outcome.result).toBe("installed-startup-folder");
    expect(outcome.warnings[0]).toContain("Access is denied");
    const launcher = join(stateDir, "gateway.cmd");
    expect(sb.readCalls()).toEqual([`schtasks /Create /TN ${TN} /XML ${xmlPath()} /F`, `cmd.exe /d /c start "OpenClaw Gateway" /min ${launcher}`]);
    expect(existsSync(xmlPath())).toBe(false);
    expect(readFileSync(startupCmd(), "utf8")).toContain(launcher);
    const text = readFileSync(launcher, "utf8");
    expect(text).toContain("C:\\OpenClaw\\openclaw.exe gateway --port 18789");
    expect(text).toContain(join(stateDir, "service.env"));
    expect(text + readFileSync(startupCmd(), "utf8")).not.toContain(TOKEN);
    expect(manager.read()?.program).toEqual(["C:\\OpenClaw\\openclaw.exe", "gateway", "--port", "18789"]);

    // Lifecycle of the fallback: stop kills the gateway by its lock PID, uninstall removes both launchers.
    const pid = runningGateway();
    sb.clearCalls();
    expect(await manager.stop({ disable: false })).toMatchObject({ result: "stopped", pid });
    expect(sb.readCalls()).toEqual([QUERY, `taskkill /PID ${pid} /T /F`]);
    expect((await manager.uninstall()).result).toBe("uninstalled");
    expect(existsSync(startupCmd())).toBe(false);
    expect(existsSync(launcher)).toBe(false);
  });

  test("start enables a disabled task first and leaves a running one alone", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    sb.clearCalls();
    expect((await manager.start()).result).toBe("already-running");
    expect(sb.readCalls()).toEqual([QUERY]);
    runningGateway();
    await manager.stop({ disable: true });
    sb.clearCalls();
    expect((await manager.start()).result).toBe("started");
    expect(sb.readCalls()).toEqual([QUERY, `schtasks /Change /TN ${TN} /ENABLE`, `schtasks /Run /TN ${TN}`]);
  });

  test("stop ends the task and returns after the gateway exited; --disable persists", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    const pid = runningGateway();
    sb.clearCalls();
    expect(await manager.stop({ disable: true })).toMatchObject({ result: "stopped-and-disabled", pid });
    expect(sb.readCalls()).toEqual([QUERY, `schtasks /End /TN ${TN}`, `schtasks /Change /TN ${TN} /DISABLE`]);
    expect(() => process.kill(pid, 0)).toThrow();
  });

  test("restart: /End then /Run (Task Scheduler has no restart verb and never respawns an ended task)", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    runningGateway();
    sb.clearCalls();
    expect((await manager.restart()).result).toBe("restarted");
    expect(sb.readCalls()).toEqual([QUERY, `schtasks /End /TN ${TN}`, `schtasks /Run /TN ${TN}`]);
  });

  test("uninstall ends, deletes the task, and removes the XML and env file", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    runningGateway();
    sb.clearCalls();
    expect((await manager.uninstall()).result).toBe("uninstalled");
    expect(sb.readCalls()).toEqual([QUERY, `schtasks /End /TN ${TN}`, `schtasks /Delete /TN ${TN} /F`]);
    expect(existsSync(xmlPath())).toBe(false);
    expect(existsSync(join(stateDir, "service.env"))).toBe(false);
    expect(await manager.status()).toEqual({ installed: false, runtime: "not installed" });
  });

  test("status reads /Query /FO LIST /V", async () => {
    const { manager, spec } = setup();
    await manager.install(spec(), { force: false });
    expect(await manager.status()).toMatchObject({ installed: true, runtime: "running", detail: "Status: Running, Enabled" });
    expect(parseTaskQuery("TaskName:   \\OpenClaw Gateway\r\nStatus:     Ready\r\nTask To Run: C:\\x.exe gateway\r\n")).toMatchObject({ Status: "Ready", "Task To Run": "C:\\x.exe gateway" });
  });
});
