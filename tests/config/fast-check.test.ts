// The zod-free config check that start runs (src/config/fast-check.ts) must never accept what the zod schema
// refuses, must return what zod returns (same keys, same order), and must accept the configs people write, or
// start would load zod after all. Hand-picked cases, then seeded mutations of a config using every owned key.
import { describe, expect, test } from "bun:test";
import { fastCheckConfig } from "../../src/config/fast-check.ts";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { validateConfig } from "../../src/config/schema.ts";
import { renderConfigJsonSchema } from "../../src/config/schema-json.ts";

const FULL = {
  $schema: "x",
  agents: { defaults: { model: "m" } },
  gateway: {
    mode: "local", port: 18789, bind: "127.0.0.1", customBindHost: "h", publicOrigin: "https://a",
    auth: { mode: "token", token: { source: "env", provider: "default", id: "TOKEN" }, password: "pw", trustedProxy: { userHeader: "x-user", requiredHeaders: ["a"], allowUsers: ["u"], allowLoopback: true }, allowTailscale: false, identityScopes: { alice: ["operator.read"] }, rateLimit: { maxAttempts: 3, windowMs: 1000, lockoutMs: 0, exemptLoopback: true } },
    reload: { mode: "hybrid", debounceMs: 300, deferralTimeoutMs: 10 },
    controlUi: { enabled: true, allowedOrigins: ["https://x"], basePath: "/ui", environment: { any: 1 } },
    remote: { url: "wss://r", transport: "direct", remotePort: 443 },
    tls: { enabled: true, autoGenerate: true, certPath: "c", keyPath: "k" },
    tailscale: { mode: "serve", resetOnExit: true },
    http: { endpoints: { chatCompletions: { enabled: true, extra: 1 }, responses: { enabled: false } } },
    trustedProxies: ["10.0.0.1"], tools: { anything: true },
  },
  logging: { level: "debug", file: "/tmp/x.log", consoleLevel: "warn", consoleStyle: "json", maxFileBytes: 2048, retentionDays: 3, redactPatterns: ["a"] },
  discovery: { mdns: { enabled: false, mode: "minimal", instanceName: "gw", sshPort: 22 }, wideArea: { enabled: true, domain: "d", nameserver: "n" }, timeoutMs: 10, count: 2 },
  commands: { restart: true, other: "kept" },
  channels: { telegram: { botToken: "t" } },
};

/** Fast accepts ⇒ zod accepts with the same output (key order included); returns whether fast accepted. */
function agree(value: unknown): boolean {
  const fast = fastCheckConfig(value);
  const zod = validateConfig(value);
  if (fast !== undefined) {
    expect(zod.ok).toBe(true);
    if (zod.ok) expect(JSON.stringify(fast)).toBe(JSON.stringify(zod.config));
  }
  return fast !== undefined;
}

describe("zod-free config check", () => {
  test("src/config/schema.json is what the zod schema generates (else: bun src/config/schema-json.ts)", () => {
    expect(readFileSync(join(import.meta.dir, "..", "..", "src", "config", "schema.json"), "utf8")).toBe(renderConfigJsonSchema());
  });

  test("accepts the configs people write, with zod's output", () => {
    for (const config of [{}, FULL, { gateway: { mode: "local", port: 1, auth: { token: "t" } } }, { gateway: { bind: "::1" } }, { gateway: { bind: "lan" } }, { zz: 1, gateway: { port: 2 }, $schema: "s" }]) {
      expect(agree(config)).toBe(true);
    }
  });

  test("leaves every refusal to zod", () => {
    const refused = [
      { gateway: { port: 0 } }, { gateway: { port: 65536 } }, { gateway: { port: 1.5 } }, { gateway: { port: "1" } },
      { gateway: { prot: 1 } }, { gateway: { bind: "nope" } }, { gateway: { bind: "300.1.1.1" } }, { gateway: null },
      { gateway: { auth: { token: { source: "vault", id: "x" } } } }, { gateway: { auth: { token: { source: "env", id: "" } } } },
      { gateway: { auth: { token: { source: "env", id: "x", provider: "Bad" } } } }, { gateway: { auth: { token: { source: "env" } } } },
      { logging: { level: "loud" } }, { logging: { maxFileBytes: 1 } }, { logging: { file: "" } }, { discovery: { count: 0 } },
      { gateway: { trustedProxies: [1] } }, { gateway: { auth: { identityScopes: { a: "x" } } } }, { commands: [] },
    ];
    for (const config of refused) {
      expect(validateConfig(config).ok).toBe(false);
      expect(agree(config)).toBe(false);
    }
  });

  test("seeded mutations of a full config never split the two", () => {
    let seed = 42;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    const replacements = [0, -1, 1.5, 70000, "", "x", "::1", "10.0.0.300", true, null, [], ["a"], {}, { source: "env", id: "A" }, { extra: 1 }];
    const leaves = (value: unknown, path: string[] = []): string[][] =>
      value !== null && typeof value === "object" ? Object.entries(value).flatMap(([k, v]) => [[...path, k], ...leaves(v, [...path, k])]) : [];
    const paths = leaves(FULL);
    let accepted = 0;
    for (let i = 0; i < 600; i++) {
      const copy = structuredClone(FULL) as Record<string, any>;
      const path = paths[Math.floor(rand() * paths.length)]!;
      let node = copy;
      for (const key of path.slice(0, -1)) node = node[key];
      node[path.at(-1)!] = replacements[Math.floor(rand() * replacements.length)];
      if (agree(copy)) accepted++;
    }
    expect(accepted).toBeGreaterThan(0);
  });
});
