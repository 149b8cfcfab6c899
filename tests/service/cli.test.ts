// The lifecycle commands in-process (router + citty) against shims, with a fake /readyz on loopback.
import { afterAll, afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { waitForReady } from "../../src/service/readiness.ts";
import { cli } from "../helpers/cli.ts";
import { freePort } from "../helpers/gateway.ts";
import { allText, killSleepers, sandbox, writeConfig, type Sandbox } from "./_helpers.ts";

const TOKEN = "tok-cli-secret-31337";
let sb: Sandbox;
let ready: "200" | "503" = "200";
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch: (req) =>
    new URL(req.url).pathname === "/readyz"
      ? Response.json(ready === "200" ? { ready: true, failing: [] } : { ready: false, failing: ["starting"] }, { status: Number(ready) })
      : new Response("Not Found", { status: 404 }),
});
const PORT = String(server.port);
afterAll(async () => {
  server.stop(true);
  await killSleepers();
});
beforeEach(() => {
  sb = sandbox();
  ready = "200";
  writeConfig(join(sb.home, ".openclaw"), { gateway: { mode: "local" } });
});
afterEach(() => sb.cleanup());

const run = (...argv: string[]) => cli(argv, sb.env);
const unitPath = () => join(sb.home, ".config", "systemd", "user", "openclaw-gateway.service");

describe("gateway install|start|stop|restart|uninstall", () => {
  test("install --json: unit written, service enabled, waits for /readyz and says so; the token is nowhere but the env file", async () => {
    const result = await run("gateway", "install", "--port", PORT, "--token", TOKEN, "--json");
    expect(result.code).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({
      ok: true,
      action: "install",
      manager: "systemd",
      name: "openclaw-gateway.service",
      result: "installed",
      definitionPath: unitPath(),
      port: Number(PORT),
      readiness: { state: "ready", url: `http://127.0.0.1:${PORT}/readyz` },
    });
    expect(report.execStart).toEndWith(`src/main.ts gateway --port ${PORT}`);
    expect(result.stderr).toContain(`Waiting for the gateway to be ready: http://127.0.0.1:${PORT}/readyz (up to 60s)`);
    const everything = result.stdout + result.stderr + allText(sb.root).replaceAll(`OPENCLAW_GATEWAY_TOKEN=${TOKEN}`, "");
    expect(everything).not.toContain(TOKEN);
  });

  test("install with SecretRefs (gateway token, provider key, bot token): no resolved value in the unit, env file or output", async () => {
    const values = { gw: "gw-ref-" + crypto.randomUUID(), key: "sk-ref-" + crypto.randomUUID(), bot: "4001:ref-" + crypto.randomUUID().slice(0, 8) };
    const secretsFile = join(sb.root, "vault.json");
    writeFileSync(secretsFile, JSON.stringify(values), { mode: 0o600 });
    const ref = (id: string) => ({ source: "file", provider: "vault", id });
    writeConfig(join(sb.home, ".openclaw"), {
      gateway: { mode: "local", auth: { token: ref("/gw") } },
      models: { providers: { openai: { baseUrl: "https://api.example.test/v1", apiKey: ref("/key") } } },
      channels: { telegram: { botToken: ref("/bot") } },
      secrets: { providers: { vault: { source: "file", path: secretsFile } } },
    });
    const result = await run("gateway", "install", "--port", PORT, "--json");
    expect(result.code).toBe(0);
    const everything = result.stdout + result.stderr + allText(sb.root).replace(JSON.stringify(values), "");
    for (const value of Object.values(values)) expect(everything).not.toContain(value);
  });

  test("a slow start is reported as starting (exit 2), never as down", async () => {
    ready = "503";
    const result = await run("gateway", "install", "--port", PORT, "--wait", "300ms");
    expect(result.code).toBe(2);
    expect(result.stdout).toContain("Waiting for the gateway to be ready");
    expect(result.stdout).toContain("(up to 300ms)");
    expect(result.stdout).toContain(`Gateway is still starting (http://127.0.0.1:${PORT}/readyz answered 503 starting); it is not down.`);
    expect(result.stdout + result.stderr).not.toContain("not running");
  });

  test("start (idempotent), restart (one call), stop --disable, start again, uninstall", async () => {
    await run("gateway", "install", "--port", PORT, "--wait", "0");
    sb.clearCalls();
    const start = await run("gateway", "start");
    expect(start.code).toBe(0);
    expect(start.stdout).toContain("systemd unit openclaw-gateway.service is already running");
    expect(start.stdout).toContain(`Gateway ready: http://127.0.0.1:${PORT}/readyz`);

    sb.clearCalls();
    expect((await run("gateway", "restart", "--wait", "0")).stdout).toContain("Restarted systemd unit openclaw-gateway.service");
    expect(sb.readCalls()).toEqual(["systemctl --user restart openclaw-gateway.service"]);

    const pid = sb.sleeper();
    const stop = await run("gateway", "stop", "--disable", "--json");
    expect(JSON.parse(stop.stdout)).toMatchObject({ ok: true, action: "stop", result: "stopped-and-disabled", pid });

    sb.clearCalls();
    expect((await run("gateway", "start", "--wait", "0")).stdout).toContain("Started systemd unit openclaw-gateway.service");
    expect(sb.readCalls()).toEqual(["systemctl --user is-active openclaw-gateway.service", "systemctl --user enable --now openclaw-gateway.service"]);

    const uninstall = await run("gateway", "uninstall");
    expect(uninstall.code).toBe(0);
    expect(uninstall.stdout).toContain("Uninstalled systemd unit openclaw-gateway.service");
    expect(existsSync(unitPath())).toBe(false);
    expect(existsSync(join(sb.home, ".openclaw", "service.env"))).toBe(false);
  });

  test("start without an install: exit 1 with the install hint (text and --json)", async () => {
    const text = await run("gateway", "start");
    expect(text.code).toBe(1);
    expect(text.stderr).toContain("is not installed");
    expect(text.stderr).toContain("openclaw gateway install");
    const json = await run("gateway", "start", "--json");
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, action: "start", error: { code: "not-installed" } });
    expect(sb.readCalls()).toEqual([]);
  });

  test("install with different settings is refused without --force and rewritten with it", async () => {
    await run("gateway", "install", "--port", PORT, "--wait", "0");
    const refused = await run("gateway", "install", "--port", "19999", "--wait", "0");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("already installed with different settings");
    expect(refused.stderr).toContain("--force");
    const forced = await run("gateway", "install", "--port", "19999", "--force", "--wait", "0", "--json");
    expect(JSON.parse(forced.stdout)).toMatchObject({ result: "reinstalled", port: 19999 });
  });

  test("a named profile installs its own unit with the profile flag", async () => {
    writeConfig(join(sb.home, ".openclaw-work"), { gateway: { mode: "local" } });
    const result = await run("--profile", "work", "gateway", "install", "--port", PORT, "--json");
    expect(JSON.parse(result.stdout)).toMatchObject({ name: "openclaw-gateway-work.service", execStart: expect.stringContaining(`gateway --port ${PORT} --profile work`) });
  });

  test("bad flags are refused with a message naming them", async () => {
    expect((await run("gateway", "install", "--wait", "soon")).stderr).toContain('Expected --wait to be a duration like 30s, 500ms or 2m, got "soon"');
    expect((await run("gateway", "install", "--runtime", "node")).stderr).toContain("Expected --runtime to be binary or bun");
    expect((await run("gateway", "install", "--port", "70000")).stderr).toContain("Expected --port to be a port 1-65535");
    expect(sb.readCalls()).toEqual([]);
  });
});

describe("waitForReady", () => {
  test("nothing listening: starting while the supervisor runs it, not running when it says so", async () => {
    const port = freePort();
    expect((await waitForReady({ port, timeoutMs: 0, supervisorRunning: async () => true })).state).toBe("starting");
    expect((await waitForReady({ port, timeoutMs: 0, supervisorRunning: async () => undefined })).state).toBe("starting");
    expect(await waitForReady({ port, timeoutMs: 0, supervisorRunning: async () => false })).toMatchObject({ state: "not running", last: "connection refused" });
  });
});
