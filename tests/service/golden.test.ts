// Golden files of the generated unit, plist and task XML, checked by the real tools that read them:
// systemd-analyze verify (user and system), python3 plistlib (parse + round-trip), python3 xml.etree.
import { afterAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderLaunchdPlist } from "../../src/service/launchd.ts";
import { parsePlist } from "../../src/service/plist.ts";
import { encodeUtf16, parseTaskXml, renderTaskXml } from "../../src/service/schtasks-xml.ts";
import { parseSystemdUnit, renderSystemdUnit } from "../../src/service/systemd-unit.ts";
import type { ServiceSpec } from "../../src/service/types.ts";

const GOLDEN = join(import.meta.dir, "golden");
const scratch = mkdtempSync(join(tmpdir(), "openclaw-golden-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const TOKEN = "tok-never-in-a-definition-1234";

/** A spec as buildServiceSpec makes it, with fixed paths. */
function spec(profile: string | undefined, over: Partial<ServiceSpec> = {}): ServiceSpec {
  const stateDir = profile ? `/home/alice/.openclaw-${profile}` : "/home/alice/.openclaw";
  const program = ["/usr/local/bin/openclaw", "gateway", "--port", profile ? "19100" : "18789", ...(profile ? ["--profile", profile] : [])];
  return {
    profile,
    version: "1.2.3",
    program,
    port: profile ? 19100 : 18789,
    stateDir,
    envFile: `${stateDir}/service.env`,
    logsDir: `${stateDir}/logs`,
    workingDirectory: stateDir,
    env: {},
    secrets: { OPENCLAW_GATEWAY_TOKEN: TOKEN },
    ...over,
  };
}

/** Compares with tests/service/golden/<name>; `UPDATE_GOLDEN=1 bun test tests/service` rewrites them. */
function golden(name: string, text: string): void {
  const file = join(GOLDEN, name);
  if (process.env.UPDATE_GOLDEN === "1" || !existsSync(file)) writeFileSync(file, text);
  expect(text).toBe(readFileSync(file, "utf8"));
  expect(text).not.toContain(TOKEN);
}

function python(script: string, input: string | Uint8Array): { code: number; stdout: string; stderr: string } {
  const result = Bun.spawnSync(["python3", "-c", script], { stdin: new Blob([input]) });
  return { code: result.exitCode ?? -1, stdout: result.stdout.toString(), stderr: result.stderr.toString() };
}

const hasAnalyze = Bun.which("systemd-analyze") !== null;
const hasPython = Bun.which("python3") !== null;

describe("systemd unit", () => {
  const cases = [
    ["systemd-user-default.service", spec(undefined), false],
    ["systemd-user-work.service", spec("work", { env: { OPENCLAW_STATE_DIR: "/srv/openclaw state" } }), false],
    ["systemd-system-default.service", spec(undefined), true],
  ] as const;

  test.each(cases)("%s matches its golden file and carries the restart-loop guard", (name, s, system) => {
    const text = renderSystemdUnit(s, { system, user: "alice" });
    golden(name, text);
    expect(text).toContain("Environment=OPENCLAW_SUPERVISOR=systemd");
    expect(text).toContain("RestartPreventExitStatus=78");
    expect(text).toContain("Restart=always");
    expect(text).toContain(`EnvironmentFile=${s.envFile}`);
    expect(text).toContain(system ? "WantedBy=multi-user.target" : "WantedBy=default.target");
    expect(text.includes("User=alice")).toBe(system);
    const parsed = parseSystemdUnit("x", text);
    expect(parsed.program).toEqual(s.program);
    expect(parsed.env).toEqual({ ...s.env, OPENCLAW_SUPERVISOR: "systemd" });
  });

  test("arguments with spaces, quotes, % and $ survive quoting", () => {
    const program = ["/opt/Open Claw/openclaw", "gateway", "--port", "1", 'a"b', "100%", "$HOME"];
    const text = renderSystemdUnit(spec(undefined, { program }), { system: false });
    expect(parseSystemdUnit("x", text).program).toEqual(program);
  });

  for (const system of [false, true]) {
    test.skipIf(!hasAnalyze)(`systemd-analyze verify accepts the ${system ? "system" : "user"} unit (skipped without systemd-analyze; CI installs systemd)`, () => {
      const dir = mkdtempSync(join(scratch, "unit-"));
      const bin = join(dir, "openclaw");
      writeFileSync(bin, "#!/bin/sh\nexit 0\n");
      chmodSync(bin, 0o755);
      const s = spec("work", { program: [bin, "gateway", "--port", "19100", "--profile", "work"], envFile: join(dir, "service.env"), workingDirectory: dir });
      const unit = join(dir, "openclaw-gateway-work.service");
      writeFileSync(unit, renderSystemdUnit(s, { system, user: "root" }));
      const args = system ? ["systemd-analyze", "verify", unit] : ["systemd-analyze", "--user", "verify", unit];
      const result = Bun.spawnSync(args, { env: { ...process.env, XDG_RUNTIME_DIR: mkdtempSync(join(dir, "rt-")) } });
      const stderr = result.stderr.toString();
      expect({ code: result.exitCode, stderr: stderr.split("\n").filter((l) => l.includes("openclaw-gateway-work.service")) }).toEqual({ code: 0, stderr: [] });
    });
  }
});

describe("launchd plist", () => {
  const cases = [
    ["launchd-default.plist", "ai.openclaw.gateway", spec(undefined)],
    ["launchd-work.plist", "ai.openclaw.work", spec("work", { env: { OPENCLAW_CONFIG_PATH: "/Users/a & b/<x>.json" } })],
  ] as const;

  test.each(cases)("%s matches its golden file: KeepAlive only after a failed exit, throttled, no secrets", (name, label, s) => {
    const text = renderLaunchdPlist(label, s);
    golden(name, text);
    const dict = parsePlist(text) as Record<string, any>;
    expect(dict.Label).toBe(label);
    expect(dict.ProgramArguments).toEqual(s.program);
    expect(dict.KeepAlive).toEqual({ SuccessfulExit: false });
    expect(dict.ThrottleInterval).toBe(10);
    expect(dict.RunAtLoad).toBe(true);
    expect(dict.EnvironmentVariables).toEqual({ ...s.env, OPENCLAW_SUPERVISOR: "launchd", OPENCLAW_SERVICE_ENV_FILE: s.envFile });
    expect(dict.StandardOutPath).toBe(`${s.logsDir}/gateway.stdout.log`);
  });

  test.skipIf(!hasPython).each(cases)("%s parses with python3 plistlib and round-trips", (_name, label, s) => {
    const text = renderLaunchdPlist(label, s);
    const script = "import sys,plistlib,json\nd=plistlib.loads(sys.stdin.buffer.read())\nsys.stdout.write(json.dumps({'parsed':d,'dumped':plistlib.dumps(d).decode()}))";
    const result = python(script, text);
    expect(result.stderr).toBe("");
    const { parsed, dumped } = JSON.parse(result.stdout);
    expect(parsed).toEqual(parsePlist(text));
    // Apple's serialiser (sorted keys) and ours describe the same document.
    expect(parsePlist(dumped)).toEqual(parsePlist(text));
  });
});

describe("Task Scheduler XML", () => {
  const win = (profile: string | undefined, over: Partial<ServiceSpec> = {}): ServiceSpec => {
    const stateDir = profile ? `C:\\Users\\alice\\.openclaw-${profile}` : "C:\\Users\\alice\\.openclaw";
    return spec(profile, {
      program: ["C:\\Program Files\\OpenClaw\\openclaw.exe", "gateway", "--port", profile ? "19100" : "18789", ...(profile ? ["--profile", profile] : [])],
      stateDir,
      envFile: `${stateDir}\\service.env`,
      workingDirectory: stateDir,
      ...over,
    });
  };
  const cases = [
    ["task-default.xml", "OpenClaw Gateway", win(undefined)],
    ["task-work.xml", "OpenClaw Gateway (work)", win("work")],
    ["task-unattended.xml", "OpenClaw Gateway", win(undefined, { unattended: true })],
  ] as const;

  test.each(cases)("%s matches its golden file: binary as the action, PT0S, restart on failure, no repetition", (name, task, s) => {
    const text = renderTaskXml(s, { taskName: task, userId: "PC\\alice" });
    golden(name, text.replaceAll("\r\n", "\n"));
    expect(text).toContain("<ExecutionTimeLimit>PT0S</ExecutionTimeLimit>");
    expect(text).toMatch(/<RestartOnFailure>\s*<Interval>PT1M<\/Interval>\s*<Count>999<\/Count>\s*<\/RestartOnFailure>/);
    expect(text).not.toContain("<Repetition>");
    expect(text).not.toMatch(/\.cmd/i);
    expect(text).toContain("<Command>C:\\Program Files\\OpenClaw\\openclaw.exe</Command>");
    expect(text).toContain(s.unattended ? "<LogonType>S4U</LogonType>" : "<LogonType>InteractiveToken</LogonType>");
    expect(text).toContain(s.unattended ? "<BootTrigger>" : "<LogonTrigger>");
    expect(parseTaskXml(text)).toEqual(s.program);
  });

  test.skipIf(!hasPython).each(cases)("%s parses with python3 xml.etree from the UTF-16 file schtasks reads", (_name, task, s) => {
    const bytes = encodeUtf16(renderTaskXml(s, { taskName: task, userId: "PC\\alice" }));
    const script = [
      "import sys,json,xml.etree.ElementTree as ET",
      "r=ET.fromstring(sys.stdin.buffer.read())",
      "ns={'t':'http://schemas.microsoft.com/windows/2004/02/mit/task'}",
      "g=lambda p:r.find(p,ns).text",
      "print(json.dumps({'uri':g('t:RegistrationInfo/t:URI'),'limit':g('t:Settings/t:ExecutionTimeLimit'),'cmd':g('t:Actions/t:Exec/t:Command'),'args':g('t:Actions/t:Exec/t:Arguments'),'triggers':[c.tag.split('}')[1] for c in r.find('t:Triggers',ns)]}))",
    ].join("\n");
    const result = python(script, bytes);
    expect(result.stderr).toBe("");
    expect(JSON.parse(result.stdout)).toEqual({
      uri: `\\${task}`,
      limit: "PT0S",
      cmd: s.program[0],
      args: s.program.slice(1).join(" "),
      triggers: [s.unattended ? "BootTrigger" : "LogonTrigger"],
    });
  });
});
