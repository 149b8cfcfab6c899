// Seed 004's operator surface on the compiled binary: `service`/`daemon` as the gateway service commands,
// `onboard --install-daemon`, CLAWDBOT_* legacy variables, `gateway.bind: <ip>`, `logs --tail`,
// `status --all|--deep`, `completion --shell …`, `dashboard`. Supervisors are the recording shims.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compiledBinary, runCommand } from "../helpers/binary.ts";
import { freePort, spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { killSleepers, sandbox, type Sandbox } from "../service/_helpers.ts";

let bin: string;
let sb: Sandbox;
let gateway: SpawnedGateway;
const stateDir = () => join(sb.home, ".openclaw");

beforeAll(async () => {
  bin = await compiledBinary();
  sb = sandbox();
  mkdirSync(stateDir(), { recursive: true, mode: 0o700 });
  gateway = await spawnGateway({ binary: bin, stateDir: stateDir() });
}, 120_000);
afterAll(async () => {
  await stopAllGateways();
  await killSleepers();
  sb.cleanup();
});

const clean = { OPENCLAW_STATE_DIR: undefined, OPENCLAW_CONFIG_PATH: undefined, OPENCLAW_GATEWAY_TOKEN: undefined, OPENCLAW_GATEWAY_PORT: undefined, OPENCLAW_PROFILE: undefined };
const openclaw = (args: string[], env: Record<string, string | undefined> = {}) => runCommand([bin, ...args], { env: { ...sb.env, ...clean, ...env } });

describe.skipIf(process.platform !== "linux")("service and daemon are the gateway service commands", () => {
  test("help of both groups lists status, install, start, stop, restart, uninstall", async () => {
    for (const group of ["service", "daemon"]) {
      const help = await openclaw([group, "--help"]);
      expect(help.code).toBe(0);
      for (const name of ["status", "install", "start", "stop", "restart", "uninstall"]) expect(help.stdout).toMatch(new RegExp(`^  ${name} `, "m"));
    }
  });

  test("install, start, restart, stop and status under each name make the same supervisor calls as `gateway …`", async () => {
    const sequence = async (group: string) => {
      sb.clearCalls();
      const steps = [
        ["install", "--port", String(gateway.port), "--json"],
        ["restart", "--json"],
        ["stop", "--json"],
        ["start", "--json"],
        ["status", "--json", "--no-probe"],
        ["uninstall", "--json"],
      ];
      const codes: (number | null)[] = [];
      for (const step of steps) codes.push((await openclaw([group, ...step])).code);
      return { codes, calls: sb.readCalls() };
    };
    const reference = await sequence("gateway");
    expect(reference.codes).toEqual([0, 0, 0, 0, 0, 0]);
    expect(reference.calls).toContain("systemctl --user restart openclaw-gateway.service");
    expect(await sequence("service")).toEqual(reference);
    expect(await sequence("daemon")).toEqual(reference);
  });

  test("status reads the same service view under all three names", async () => {
    const views = [];
    for (const group of ["gateway", "service", "daemon"]) {
      const result = await openclaw([group, "status", "--json", "--no-probe"]);
      expect(result.code).toBe(0);
      views.push(JSON.parse(result.stdout).service);
    }
    expect(views[1]).toEqual(views[0]);
    expect(views[2]).toEqual(views[0]);
  });
});

describe.skipIf(process.platform !== "linux")("onboard --install-daemon (non-interactive)", () => {
  test("writes gateway.mode=local and a generated token (0600, never printed), installs and starts the service", async () => {
    const home = join(sb.root, "onboard-home");
    mkdirSync(home);
    sb.clearCalls();
    const port = freePort();
    const result = await openclaw(["onboard", "--install-daemon", "--gateway-port", String(port), "--wait", "0"], { HOME: home });
    // A checkout under /tmp (CI's clone) draws the installer's temporary-path warning; nothing else may appear.
    expect(result.stderr.replace(/^Warning: The service will run \S+, which looks temporary or versioned;.*\n/m, "")).toBe("");
    expect(result.code).toBe(0);
    const configPath = join(home, ".openclaw", "openclaw.json");
    const config = JSON.parse(readFileSync(configPath, "utf8"));
    expect(config.gateway).toMatchObject({ mode: "local", port, auth: { mode: "token" } });
    expect(config.gateway.auth.token).toMatch(/^[0-9a-f]{64}$/);
    expect(statSync(configPath).mode & 0o777).toBe(0o600);
    expect(result.stdout).not.toContain(config.gateway.auth.token);
    expect(result.stdout).toContain("Installed systemd unit openclaw-gateway.service");
    expect(readFileSync(join(home, ".config", "systemd", "user", "openclaw-gateway.service"), "utf8")).toContain(`ExecStart=${bin} gateway --port ${port}`);
    expect(sb.readCalls()).toContain("systemctl --user enable --now openclaw-gateway.service");
    // A rerun keeps the token.
    const again = await openclaw(["onboard"], { HOME: home });
    expect(again.code).toBe(0);
    expect(JSON.parse(readFileSync(configPath, "utf8")).gateway.auth.token).toBe(config.gateway.auth.token);
    expect(again.stdout).toContain("the existing gateway secret");
  });
});

describe("CLAWDBOT_* legacy variables", () => {
  test("CLAWDBOT_STATE_DIR / CLAWDBOT_GATEWAY_TOKEN act as OPENCLAW_*, with one deprecation line on stderr", async () => {
    const result = await openclaw(["gateway", "call", "health", "--json", "--port", String(gateway.port)], { CLAWDBOT_STATE_DIR: join(sb.root, "nowhere"), CLAWDBOT_GATEWAY_TOKEN: gateway.token });
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ ok: true });
    expect(result.stderr).toBe("Deprecated environment: rename CLAWDBOT_GATEWAY_TOKEN → OPENCLAW_GATEWAY_TOKEN, CLAWDBOT_STATE_DIR → OPENCLAW_STATE_DIR (the OPENCLAW_* name wins when both are set).\n");
    const file = await openclaw(["config", "file"], { CLAWDBOT_STATE_DIR: join(sb.root, "legacy") });
    expect(file.stdout).toBe(`${join(sb.root, "legacy", "openclaw.json")}\n`);
    const both = await openclaw(["config", "file"], { CLAWDBOT_STATE_DIR: join(sb.root, "legacy"), OPENCLAW_STATE_DIR: join(sb.root, "modern") });
    expect(both.stdout).toBe(`${join(sb.root, "modern", "openclaw.json")}\n`);
  });
});

describe("gateway.bind accepts a literal IP address", () => {
  test("bind: 127.0.0.2 listens there (and on 127.0.0.1 for this host's CLI); a bad address is refused", async () => {
    const gw = await spawnGateway({ binary: bin, config: { gateway: { bind: "127.0.0.2" } } });
    try {
      expect(gw.output()).toContain(`Gateway listening on ws://127.0.0.2:${gw.port}`);
      expect((await fetch(`http://127.0.0.2:${gw.port}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${gw.port}/healthz`)).status).toBe(200);
    } finally {
      await gw.stop();
    }
    const bad = await spawnGateway({ binary: bin, config: { gateway: { bind: "300.1.1.1" } }, noWait: true });
    expect(await bad.proc.exited).not.toBe(0);
    expect(bad.output()).toContain("gateway.bind");
  });
});

describe("logs --tail, status --all|--deep, completion, dashboard", () => {
  const env = () => ({ OPENCLAW_STATE_DIR: stateDir() });

  test("logs --tail N prints the last N lines; --tail with --limit is refused", async () => {
    for (const n of [1, 2, 3, 4]) appendFileSync(gateway.logFile, `${JSON.stringify({ time: new Date().toISOString(), level: "info", subsystem: "test", message: `tail marker ${n}`, pid: gateway.pid })}\n`);
    const result = await openclaw(["logs", "--tail", "2", "--plain"], env());
    expect(result.code).toBe(0);
    const lines = result.stdout.split("\n").filter((line) => line && !line.startsWith("Log file:"));
    expect(lines.length).toBe(2);
    expect(lines[0]).toContain("tail marker 3");
    expect(lines[1]).toContain("tail marker 4");
    const both = await openclaw(["logs", "--tail", "2", "--limit", "3"], env());
    expect(both.code).toBe(1);
    expect(both.stderr).toContain("Use either --tail or --limit, not both.");
  });

  test("status --all adds the gateway's own row; status --deep adds the health section", async () => {
    const all = await openclaw(["status", "--all"], env());
    expect(all.code).toBe(0);
    expect(all.stdout).toContain("Gateway self");
    const deep = await openclaw(["status", "--deep"], env());
    expect(deep.code).toBe(0);
    expect(deep.stdout).toMatch(/^Health$/m);
    const plain = await openclaw(["status"], env());
    expect(plain.stdout).not.toContain("Gateway self");
    expect(plain.stdout).not.toMatch(/^Health$/m);
  });

  test("completion --shell bash|zsh|fish|powershell; the bash script completes commands and flags", async () => {
    for (const shell of ["bash", "zsh", "fish", "powershell"]) {
      const result = await openclaw(["completion", "--shell", shell]);
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("gateway");
      expect(result.stdout).toContain("--tail");
    }
    const script = join(sb.root, "openclaw.bash");
    writeFileSync(script, (await openclaw(["completion", "--shell", "bash"])).stdout);
    const probe = (words: string) =>
      runCommand(["bash", "-c", `source ${script}; COMP_WORDS=(${words}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); _openclaw; echo "\${COMPREPLY[*]}"`]);
    expect((await probe("openclaw daemon re")).stdout).toBe("restart\n");
    expect((await probe("openclaw --dev gateway ru")).stdout).toBe("run\n");
    expect((await probe("openclaw logs --ta")).stdout).toBe("--tail\n");
    const bad = await openclaw(["completion", "--shell", "tcsh"]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('Expected --shell to be one of bash, zsh, fish, powershell, got "tcsh"');
  });

  test("dashboard prints the Control UI URL with the token in the fragment and opens nothing", async () => {
    const text = await openclaw(["dashboard", "--no-open"], env());
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(`Control UI: http://127.0.0.1:${gateway.port}/#token=${encodeURIComponent(gateway.token)}\n`);
    const json = JSON.parse((await openclaw(["dashboard", "--json"], env())).stdout);
    expect(json).toEqual({ ok: true, url: `http://127.0.0.1:${gateway.port}/#token=${encodeURIComponent(gateway.token)}`, httpUrl: `http://127.0.0.1:${gateway.port}/`, wsUrl: `ws://127.0.0.1:${gateway.port}`, port: gateway.port, tokenIncluded: true });
    // The page the URL names is the Control UI.
    expect((await fetch(json.httpUrl)).headers.get("content-type")).toContain("text/html");
  });
});
