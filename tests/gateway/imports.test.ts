// An unconfigured feature costs nothing (issue 21): `gateway run --allow-unconfigured --port P --token T` in a fresh
// HOME, with no channel, cron job, device or secret configured, loads none of their modules — at start, nor when a
// client connects and reads health, status and presence (which ask every feature for its summary). A runtime trace of
// every src/ module the process loads (the preload of tests/cli-operator/imports.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../helpers/gateway.ts";
import { connectOperator } from "../helpers/ws.ts";

const MAIN = join(import.meta.dir, "..", "..", "src", "main.ts");
const PRELOAD = join(import.meta.dir, "..", "cli-operator", "_trace-preload.ts");

// What a feature may load while unconfigured: the surface that advertises its names, and the leaves health needs.
const FORBIDDEN: [string, RegExp][] = [
  ["channels", /^src\/channels\/(?!surface\.ts$|registry\.ts$)/],
  ["cron / automations store", /^src\/automations\/(runtime|scheduler|store|methods|params)\.ts$/],
  ["devices", /^src\/devices\/(?!surface\.ts$)/],
  ["nodes' methods", /^src\/nodes\/methods\.ts$/],
  ["secrets providers", /^src\/(config\/secrets-resolve\.ts|methods\/secrets\.ts|cli\/secrets\/)/],
  ["update", /^src\/update\/(?!surface\.ts$)/],
  ["agents' run machinery, tools, providers, store and HTTP handlers", /^src\/agents\/(runtime|runs|run|conversation|store|tool-loop|queue)\.ts$|^src\/agents\/(tools|providers)\/|^src\/agents\/http\/(?!lazy\.ts$)/],
  ["hooks' ingress", /^src\/hooks\/(http|actions|templates|delivery)\.ts$/],
  ["the mDNS beacon", /^src\/discovery\/(beacon|_bonjour|dns-name)\.ts$/],
  ["nodes' queues and session links", /^src\/nodes\/(actions|work|session-links)\.ts$/],
  ["the canvas tool and capabilities", /^src\/canvas\/(tool|capability)\.ts$/],
  ["Control UI assets", /^src\/ui\/(?!surface\.ts$|routes\.ts$)/],
];

let home: string;
let trace: string[] = [];
let code: number | null = null;

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), "openclaw-imports-"));
  const file = join(home, "trace.txt");
  const port = freePort();
  const token = `t-${crypto.randomUUID()}`;
  const env = { HOME: home, PATH: process.env.PATH ?? "/usr/bin:/bin", NO_COLOR: "1", OPENCLAW_TRACE_FILE: file };
  const argv = [process.execPath, "--preload", PRELOAD, MAIN, "gateway", "run", "--allow-unconfigured", "--port", String(port), "--token", token];
  const proc = Bun.spawn(argv, { env, stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  try {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ready = await fetch(`http://127.0.0.1:${port}/health`).then((r) => r.ok, () => false);
      if (ready) break;
      if (Date.now() > deadline || proc.exitCode !== null) throw new Error(`gateway never answered /health: ${await new Response(proc.stderr).text()}`);
      await Bun.sleep(20);
    }
    const socket = await connectOperator(`ws://127.0.0.1:${port}`, token, ["operator.read"]);
    for (const method of ["health", "status", "system-presence"]) expect((await socket.request(method)).ok).toBe(true);
    socket.close();
  } finally {
    proc.kill("SIGTERM");
    code = await proc.exited;
  }
  trace = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => line.replace(/^load .*\/src\//, "src/"));
}, 40_000);
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("`gateway run` with nothing configured", () => {
  test("started, served and stopped cleanly", () => {
    expect(code).toBe(0);
    expect(trace).toContain("src/server/gateway.ts");
    expect(trace).toContain("src/features.ts");
  });

  for (const [feature, pattern] of FORBIDDEN) {
    test(`loads no module of ${feature}`, () => {
      expect(trace.filter((module) => pattern.test(module))).toEqual([]);
    });
  }
});
