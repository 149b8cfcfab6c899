// readServiceStatus (drift: moved binary, changed port, env file) and scanOtherServices (--deep), plus the env file.
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createManager, createServiceContext } from "../../src/service/context.ts";
import { applyServiceEnvFile, parseEnvFile, renderEnvFile } from "../../src/service/env-file.ts";
import { OTHER_SERVICES_HEADING, scanOtherServices } from "../../src/service/scan.ts";
import { buildServiceSpec } from "../../src/service/spec.ts";
import { readServiceStatus } from "../../src/service/status.ts";
import { killSleepers, sandbox, writeConfig, type Sandbox } from "./_helpers.ts";

let sb: Sandbox;
let bin: string;
let stateDir: string;
beforeEach(() => {
  sb = sandbox();
  stateDir = join(sb.home, ".openclaw");
  writeConfig(stateDir, { gateway: { mode: "local", port: 18789 } });
  bin = join(sb.root, "openclaw");
  writeFileSync(bin, "#!/bin/sh\n");
  chmodSync(bin, 0o755);
});
afterEach(() => sb.cleanup());
afterAll(killSleepers);

const roots = () => ({ systemdSystemDir: join(sb.root, "etc-systemd") });
async function install(token = "tok-status-1") {
  const ctx = createServiceContext({ env: sb.env, roots: roots() });
  await createManager("systemd", ctx).install(buildServiceSpec(ctx, { command: [bin], token }).spec, { force: false });
}
const status = (extra: { command?: string[]; env?: Record<string, string> } = {}) =>
  readServiceStatus({ env: { ...sb.env, ...extra.env }, manager: "systemd", roots: roots(), command: extra.command ?? [bin] });

describe("readServiceStatus", () => {
  test("not installed", async () => {
    expect(await status()).toMatchObject({ manager: "systemd", installed: false, runtime: "not installed", drift: [] });
  });

  test("installed and running: unit path, ExecStart at the binary, port, pid, no drift", async () => {
    await install();
    const pid = sb.sleeper();
    const report = await status();
    expect(report).toMatchObject({
      installed: true,
      runtime: "running",
      unitPath: join(sb.home, ".config", "systemd", "user", "openclaw-gateway.service"),
      execStart: `${bin} gateway --port 18789`,
      port: 18789,
      configPort: 18789,
      pid,
      envFile: join(stateDir, "service.env"),
      drift: [],
      repairPolicy: "auto",
    });
  });

  test("binary moved: the unit names the old path and doctor sees it", async () => {
    await install();
    const moved = join(sb.root, "openclaw-new");
    renameSync(bin, moved);
    const report = await status({ command: [moved] });
    expect(report.drift).toEqual([
      `binary missing: the service runs ${bin}, which no longer exists (moved or upgraded?)`,
      `binary moved: the service runs ${bin}, but this openclaw is ${moved}`,
    ]);
    expect(report.hints.join("\n")).toContain("openclaw gateway install --force");
  });

  test("port changed in config but not in the unit", async () => {
    await install();
    writeConfig(stateDir, { gateway: { mode: "local", port: 19555 } });
    expect((await status()).drift).toEqual(["port: the service starts the gateway with --port 18789, but the config resolves port 19555"]);
  });

  test("env file: loose mode, and a token that overrides a different config token (never printed)", async () => {
    await install("tok-in-env-file");
    writeConfig(stateDir, { gateway: { mode: "local", port: 18789, auth: { token: "tok-in-config" } } });
    chmodSync(join(stateDir, "service.env"), 0o644);
    const report = await status();
    expect(report.drift).toEqual([
      `env file ${join(stateDir, "service.env")} has mode 0644; expected 0600 (it holds secrets)`,
      "token: the service env file sets OPENCLAW_GATEWAY_TOKEN, which overrides a different gateway.auth.token in config",
    ]);
    expect(JSON.stringify(report)).not.toContain("tok-in-");
  });

  test("a hand-written unit without the restart-loop guard, and an outdated definition", async () => {
    await install();
    const unit = join(sb.home, ".config", "systemd", "user", "openclaw-gateway.service");
    const text = readFileSync(unit, "utf8");
    writeFileSync(unit, text.replace("RestartPreventExitStatus=78\n", ""));
    expect((await status()).drift).toEqual([expect.stringContaining("lacks RestartPreventExitStatus=78")]);
    writeFileSync(unit, text.replace(/v\d+\.\d+\.\d+/, "v0.0.1"));
    expect((await status()).drift).toEqual([expect.stringContaining("differs from what this version of openclaw writes")]);
  });

  test("OPENCLAW_SERVICE_REPAIR_POLICY=external is reported for doctor", async () => {
    expect((await status({ env: { OPENCLAW_SERVICE_REPAIR_POLICY: "external" } })).repairPolicy).toBe("external");
  });

  test("systemd unreachable: runtime unknown with the reason", async () => {
    await install();
    const report = await readServiceStatus({ env: { ...sb.env, FAKE_FAIL: "show", FAKE_FAIL_MSG: "Failed to connect to bus: No medium found" }, manager: "systemd", roots: roots(), command: [bin] });
    expect(report).toMatchObject({ installed: true, runtime: "unknown", error: expect.stringContaining("Failed to connect to bus") });
  });
});

describe("scanOtherServices", () => {
  test("systemd: other profiles and system units, with cleanup hints; our own unit and unrelated units skipped", async () => {
    await install();
    const userDir = join(sb.home, ".config", "systemd", "user");
    writeFileSync(join(userDir, "openclaw-gateway-work.service"), "[Service]\nExecStart=/usr/bin/openclaw gateway --port 19100 --profile work\n");
    writeFileSync(join(userDir, "nginx.service"), "[Service]\nExecStart=/usr/sbin/nginx\n");
    mkdirSync(roots().systemdSystemDir, { recursive: true });
    writeFileSync(join(roots().systemdSystemDir, "openclaw.service"), "[Service]\nExecStart=/usr/local/bin/openclaw gateway --port 18789\n");
    const found = await scanOtherServices({ env: sb.env, manager: "systemd", roots: roots() });
    expect(found).toEqual([
      expect.objectContaining({ scope: "user", name: "openclaw-gateway-work.service", port: 19100, reason: 'profile "work"', cleanup: "openclaw --profile work gateway uninstall" }),
      expect.objectContaining({ scope: "system", name: "openclaw.service", port: 18789, reason: "system-level unit", cleanup: expect.stringContaining("sudo systemctl disable --now openclaw.service") }),
    ]);
    expect(OTHER_SERVICES_HEADING).toBe("Other gateway-like services detected (best effort)");
  });

  test("launchd: other profiles, legacy labels and LaunchDaemons", async () => {
    const agents = join(sb.home, "Library", "LaunchAgents");
    const daemons = join(sb.root, "LaunchDaemons");
    mkdirSync(agents, { recursive: true });
    mkdirSync(daemons, { recursive: true });
    const plist = (label: string) => `<?xml version="1.0"?><plist version="1.0"><dict><key>Label</key><string>${label}</string><key>ProgramArguments</key><array><string>/usr/local/bin/openclaw</string><string>gateway</string></array></dict></plist>`;
    writeFileSync(join(agents, "ai.openclaw.gateway.plist"), plist("ai.openclaw.gateway"));
    writeFileSync(join(agents, "ai.openclaw.work.plist"), plist("ai.openclaw.work"));
    writeFileSync(join(agents, "com.apple.thing.plist"), "<plist><dict/></plist>");
    writeFileSync(join(daemons, "bot.molt.gateway.plist"), plist("bot.molt.gateway"));
    const found = await scanOtherServices({ env: sb.env, manager: "launchd", uid: 501, roots: { launchDaemonsDir: daemons, globalLaunchAgentsDir: join(sb.root, "none") } });
    expect(found.map((f) => [f.name, f.reason, f.cleanup])).toEqual([
      ["ai.openclaw.work", 'profile "work"', "openclaw --profile work gateway uninstall"],
      ["bot.molt.gateway", "legacy label", `sudo launchctl bootout system/bot.molt.gateway; sudo rm ${join(daemons, "bot.molt.gateway.plist")}`],
    ]);
  });

  test("schtasks: other OpenClaw tasks from /Query /FO CSV", async () => {
    sb.setState("task");
    sb.setState("others", '"\\OpenClaw Gateway (work)","N/A","Ready"\r\n"\\Adobe Updater","N/A","Ready"\r\n');
    const found = await scanOtherServices({ env: sb.env, manager: "schtasks" });
    expect(found.map((f) => [f.name, f.cleanup])).toEqual([["OpenClaw Gateway (work)", "openclaw --profile work gateway uninstall"]]);
  });
});

describe("service env file", () => {
  test("renders and parses back values that need quoting", () => {
    const vars = { A: "plain-token_1.2", B: 'has space "and" quote\\', C: "" };
    expect(parseEnvFile(renderEnvFile(vars))).toEqual(vars);
    expect(() => renderEnvFile({ A: "line\nbreak" })).toThrow("line break");
  });

  test("applyServiceEnvFile (for gateway run) fills only unset variables", () => {
    mkdirSync(stateDir, { recursive: true });
    writeFileSync(join(stateDir, "service.env"), renderEnvFile({ OPENCLAW_GATEWAY_TOKEN: "from-file", OTHER: "x" }));
    const env: Record<string, string | undefined> = { OTHER: "already" };
    expect(applyServiceEnvFile(env, stateDir)).toEqual(["OPENCLAW_GATEWAY_TOKEN"]);
    expect(env).toEqual({ OTHER: "already", OPENCLAW_GATEWAY_TOKEN: "from-file" });
    expect(applyServiceEnvFile({}, join(sb.root, "nowhere"))).toEqual([]);
  });
});
