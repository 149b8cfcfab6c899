import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { loadConfig } from "../../src/config/load.ts";
import { resolveProfilePaths } from "../../src/config/paths.ts";
import { resolveGatewaySettings } from "../../src/config/resolve.ts";
import { tempHome } from "../helpers/cli.ts";

let home: string;
let cleanup: () => void;
beforeEach(() => ({ home, cleanup } = tempHome()));
afterEach(() => cleanup());

function withConfig(config: unknown, profile?: string, env: Record<string, string> = {}) {
  const paths = resolveProfilePaths(profile, { env: { HOME: home, ...env } });
  mkdirSync(paths.stateDir, { recursive: true });
  writeFileSync(paths.configPath, JSON.stringify(config));
  return loadConfig(paths, { HOME: home, ...env });
}

describe("port precedence: --port → OPENCLAW_GATEWAY_PORT → gateway.port → default", () => {
  const config = { gateway: { port: 20000 } };
  test.each([
    ["flag beats env and config", { port: "20002" }, { OPENCLAW_GATEWAY_PORT: "20001" }, config, 20002, "flag"],
    ["env beats config", {}, { OPENCLAW_GATEWAY_PORT: "20001" }, config, 20001, "env"],
    ["config beats default", {}, {}, config, 20000, "config"],
    ["default is 18789", {}, {}, {}, 18789, "default"],
  ] as const)("%s", (_name, overrides, env, cfg, port, source) => {
    const snapshot = withConfig(cfg);
    const resolved = resolveGatewaySettings(snapshot, overrides, env);
    expect(resolved.port).toBe(port);
    expect(resolved.portSource).toBe(source);
  });

  test("default is 19001 under --dev", () => {
    const snapshot = withConfig({}, "dev");
    expect(resolveGatewaySettings(snapshot, {}, {}).port).toBe(19001);
  });

  test("a bad port from a flag or env names its origin", () => {
    const snapshot = withConfig({});
    expect(() => resolveGatewaySettings(snapshot, { port: "70000" }, {})).toThrow("--port");
    expect(() => resolveGatewaySettings(snapshot, {}, { OPENCLAW_GATEWAY_PORT: "x" })).toThrow("OPENCLAW_GATEWAY_PORT");
  });
});

describe("bind precedence: CLI → gateway.bind → loopback", () => {
  test.each([
    ["flag beats config", { bind: "lan" }, { gateway: { bind: "tailnet" } }, "lan", "flag"],
    ["config beats default", {}, { gateway: { bind: "tailnet" } }, "tailnet", "config"],
    ["default is loopback", {}, {}, "loopback", "default"],
  ] as const)("%s", (_name, overrides, cfg, bind, source) => {
    const resolved = resolveGatewaySettings(withConfig(cfg), overrides, {});
    expect(resolved.bind).toBe(bind);
    expect(resolved.bindSource).toBe(source);
  });
});

describe("credential precedence: flag → env → config", () => {
  const config = { gateway: { auth: { token: "cfg-token", password: "cfg-pass" } } };
  test.each([
    ["token from flag", "token", { token: "flag-token" }, { OPENCLAW_GATEWAY_TOKEN: "env-token" }, "flag-token", "flag"],
    ["token from env", "token", {}, { OPENCLAW_GATEWAY_TOKEN: "env-token" }, "env-token", "env"],
    ["token from config", "token", {}, {}, "cfg-token", "config"],
    ["password from flag", "password", { password: "flag-pass" }, { OPENCLAW_GATEWAY_PASSWORD: "env-pass" }, "flag-pass", "flag"],
    ["password from env", "password", {}, { OPENCLAW_GATEWAY_PASSWORD: "env-pass" }, "env-pass", "env"],
    ["password from config", "password", {}, {}, "cfg-pass", "config"],
  ] as const)("%s", (_name, kind, overrides, env, value, source) => {
    const resolved = resolveGatewaySettings(withConfig(config), overrides, env);
    expect(resolved[kind]).toBe(value);
    expect(resolved[`${kind}Source`]).toBe(source);
  });

  test("a config token can come from ${VAR}", () => {
    const snapshot = withConfig({ gateway: { auth: { token: "${MY_TOKEN}" } } }, undefined, { MY_TOKEN: "from-var" });
    expect(resolveGatewaySettings(snapshot, {}, {}).token).toBe("from-var");
  });
});

describe("paths and profiles", () => {
  test("default state dir and config under HOME", () => {
    const paths = resolveProfilePaths(undefined, { env: { HOME: home } });
    expect(paths.stateDir).toBe(join(home, ".openclaw"));
    expect(paths.configPath).toBe(join(home, ".openclaw", "openclaw.json"));
  });

  test("OPENCLAW_STATE_DIR moves state and config", () => {
    const paths = resolveProfilePaths(undefined, { env: { HOME: home, OPENCLAW_STATE_DIR: join(home, "s") } });
    expect(paths.stateDir).toBe(join(home, "s"));
    expect(paths.configPath).toBe(join(home, "s", "openclaw.json"));
  });

  test("OPENCLAW_CONFIG_PATH moves only the config", () => {
    const paths = resolveProfilePaths(undefined, { env: { HOME: home, OPENCLAW_CONFIG_PATH: join(home, "a.json") } });
    expect(paths.stateDir).toBe(join(home, ".openclaw"));
    expect(paths.configPath).toBe(join(home, "a.json"));
  });

  test("--profile and --dev isolate state; no two profiles share a file", () => {
    const all = [undefined, "work", "dev", "rescue"].map((p) => resolveProfilePaths(p, { env: { HOME: home } }));
    expect(new Set(all.map((p) => p.stateDir)).size).toBe(4);
    expect(new Set(all.map((p) => p.configPath)).size).toBe(4);
    expect(all[1]!.stateDir).toBe(join(home, ".openclaw-work"));
    expect(all[2]!.stateDir).toBe(join(home, ".openclaw-dev"));
    expect(all[2]!.basePort).toBe(19001);
  });

  test("a path-like profile name is refused", () => {
    expect(() => resolveProfilePaths("../x", { env: { HOME: home } })).toThrow("--profile");
  });
});
