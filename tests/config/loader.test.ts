import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import * as fs from "node:fs";
import { ConfigError } from "../../src/config/errors.ts";
import { editConfig } from "../../src/config/edit.ts";
import { setAtPath } from "../../src/config/key-path.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { ProfilePaths } from "../../src/config/paths.ts";
import { classifyPath, planReload } from "../../src/config/reload-plan.ts";
import type { WriteFs } from "../../src/config/write.ts";
import { tempProfile } from "../helpers/cli.ts";

let home: string;
let cleanup: () => void;
let paths: ProfilePaths;
beforeEach(() => {
  ({ home, paths, cleanup } = tempProfile());
});
afterEach(() => cleanup());

function write(text: string) {
  writeFileSync(paths.configPath, text);
}

function loadError(env: Record<string, string> = {}): ConfigError {
  try {
    loadConfig(paths, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error("expected loadConfig to fail");
}

describe("loading", () => {
  test("JSON5 with comments and trailing commas loads", () => {
    write(`{\n  // local gateway\n  gateway: { mode: "local", port: 19000, },\n}`);
    expect(loadConfig(paths, {}).config.gateway?.port).toBe(19000);
  });

  test("a syntax error names openclaw.json:LINE:COL", () => {
    write(`{\n  gateway: {\n    port: 1,,\n  }\n}`);
    const error = loadError();
    expect(error.code).toBe("EPARSE");
    expect(error.message).toContain("openclaw.json:3:13");
    expect(error.line).toBe(3);
    expect(error.column).toBe(13);
  });

  test("a missing ${VAR} names the key that uses it", () => {
    write(`{ gateway: { auth: { token: "\${NOT_SET_ANYWHERE}" } } }`);
    const error = loadError();
    expect(error.code).toBe("EENV");
    expect(error.keyPath).toBe("gateway.auth.token");
    expect(error.message).toContain("gateway.auth.token");
    expect(error.message).toContain("NOT_SET_ANYWHERE");
  });

  test("${VAR} substitutes inline, $${VAR} stays literal, env.vars is a fallback", () => {
    write(`{ env: { vars: { FROM_CFG: "c" } }, models: { a: "\${BASE}/v1", b: "$\${BASE}", c: "\${FROM_CFG}" } }`);
    const config = loadConfig(paths, { BASE: "https://x" }).config as Record<string, any>;
    expect(config.models).toEqual({ a: "https://x/v1", b: "${BASE}", c: "c" });
  });

  test("a typo inside gateway names the path", () => {
    write(`{ gateway: { prot: 18789 } }`);
    const error = loadError();
    expect(error.code).toBe("ESCHEMA");
    expect(error.issues.map((i) => i.path)).toContain("gateway.prot");
  });

  test("a typo in a nested owned section names the full path", () => {
    write(`{ gateway: { auth: { mdoe: "token" } } }`);
    expect(loadError().issues[0]?.path).toBe("gateway.auth.mdoe");
  });

  test("sections the gateway does not own are kept as authored", () => {
    write(`{ agents: { whatever: [1, 2] }, channels: { x: { y: true } } }`);
    const config = loadConfig(paths, {}).config as Record<string, unknown>;
    expect(config.agents).toEqual({ whatever: [1, 2] });
    expect(config.channels).toEqual({ x: { y: true } });
  });

  test("the snapshot is immutable and carries a content hash", () => {
    write(`{ gateway: { port: 1000 } }`);
    const a = loadConfig(paths, {});
    expect(Object.isFrozen(a.config)).toBe(true);
    expect(() => {
      (a.config.gateway as { port: number }).port = 2;
    }).toThrow();
    expect(a.hash).toMatch(/^[0-9a-f]{64}$/);
    write(`{ gateway: { port: 1001 } }`);
    expect(loadConfig(paths, {}).hash).not.toBe(a.hash);
  });

  test.each([
    ["empty", ""],
    ["whitespace only", "  \n\t\n"],
    ["comments only", "// my gateway\n/* nothing yet */\n"],
  ])("a file that is %s is invalid, not {}: EPARSE naming the file once", (_, text) => {
    write(text);
    const error = loadError();
    expect(error.code).toBe("EPARSE");
    expect(error.file).toBe(paths.configPath);
    expect(error.message).toContain("empty");
    expect(error.message.split(paths.configPath + ":").length - 1).toBe(1);
  });

  test("a comment before a value, or an unclosed comment, is judged by JSON5 as before", () => {
    write(`/* header */ { gateway: { port: 1234 } }`);
    expect(loadConfig(paths, {}).config.gateway?.port).toBe(1234);
    write(`// a\n/* never closed`);
    expect(loadError().message).not.toContain("empty");
  });

  test("an emptied file can be replaced by a full write, but not edited key by key", () => {
    write("");
    expect(() => editConfig(paths, (c) => setAtPath(c, ["gateway", "port"], 2000), { env: {} })).toThrow("empty");
    editConfig(paths, () => ({ gateway: { port: 2000 } }), { env: {}, replace: true });
    expect(loadConfig(paths, {}).config.gateway?.port).toBe(2000);
  });

  test("an unreadable file is a clear EREAD", () => {
    mkdirSync(paths.configPath); // a directory where the file should be
    expect(loadError().code).toBe("EREAD");
  });
});

describe("writes", () => {
  test("edit writes atomically with 0600 and keeps the previous file as .bak", () => {
    write(`{ gateway: { port: 1000 } }`);
    const before = readFileSync(paths.configPath, "utf8");
    const result = editConfig(paths, (c) => setAtPath(c, ["gateway", "port"], 2000), { env: {} });
    expect(result.changed).toBe(true);
    expect(loadConfig(paths, {}).config.gateway?.port).toBe(2000);
    expect(readFileSync(`${paths.configPath}.bak`, "utf8")).toBe(before);
    expect(statSync(paths.configPath).mode & 0o777).toBe(0o600);
  });

  test("an edit that makes the config invalid leaves the file byte-identical", () => {
    write(`{ gateway: { port: 1000 } } // keep me`);
    const before = readFileSync(paths.configPath);
    expect(() => editConfig(paths, (c) => setAtPath(c, ["gateway", "port"], "abc"), { env: {} })).toThrow(ConfigError);
    expect(readFileSync(paths.configPath)).toEqual(before);
    expect(existsSync(`${paths.configPath}.bak`)).toBe(false);
  });

  test("a crash between temp write and rename leaves the old file intact and loadable", () => {
    write(`{ gateway: { port: 1000 } }`);
    const before = readFileSync(paths.configPath);
    const crashing: WriteFs = {
      ...fs,
      renameSync: () => {
        throw new Error("simulated crash before rename");
      },
    };
    expect(() => editConfig(paths, (c) => setAtPath(c, ["gateway", "port"], 2000), { env: {}, fs: crashing })).toThrow(
      "previous file is unchanged",
    );
    expect(readFileSync(paths.configPath)).toEqual(before);
    expect(loadConfig(paths, {}).config.gateway?.port).toBe(1000);
    // No temp file is left behind either.
    expect(fs.readdirSync(paths.stateDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  test("a stale baseHash is refused and changes nothing", () => {
    write(`{ gateway: { port: 1000 } }`);
    const before = readFileSync(paths.configPath);
    expect(() =>
      editConfig(paths, (c) => setAtPath(c, ["gateway", "port"], 2), { env: {}, baseHash: "0".repeat(64) }),
    ).toThrow("stale");
    expect(readFileSync(paths.configPath)).toEqual(before);
  });
});

describe("reload classification", () => {
  test.each([
    ["gateway.port", "restart"],
    ["gateway.bind", "restart"],
    ["gateway.auth.mode", "restart"],
    ["gateway.tls.enabled", "restart"],
    ["gateway.auth.token", "hot"],
    ["gateway.reload.mode", "hot"],
    ["gateway.controlUi.allowedOrigins", "hot"],
    ["logging.level", "hot"],
    ["agents.defaults.model", "hot"],
    ["discovery.mdns.enabled", "restart"],
    ["gateway.remote.url", "none"],
    ["somethingUnknown.x", "restart"],
  ] as const)("%s → %s", (path, action) => {
    expect(classifyPath(path)).toBe(action);
  });

  test("a reload plan lists changed paths with their class", () => {
    write(`{ gateway: { port: 1000 }, logging: { level: "info" } }`);
    const a = loadConfig(paths, {});
    write(`{ gateway: { port: 1001 }, logging: { level: "debug" } }`);
    const b = loadConfig(paths, {});
    const plan = planReload(a, b);
    expect(plan.changes).toEqual([
      { path: "gateway.port", action: "restart" },
      { path: "logging.level", action: "hot" },
    ]);
    expect(plan.restartRequired).toBe(true);
    write(`{ gateway: { port: 1000 }, logging: { level: "warn" } }`);
    expect(planReload(a, loadConfig(paths, {})).restartRequired).toBe(false);
  });
});
