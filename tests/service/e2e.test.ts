// End to end from the compiled binary on Linux: install (shim systemctl) → status → uninstall,
// against a real gateway this test started on the port the unit names.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
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
