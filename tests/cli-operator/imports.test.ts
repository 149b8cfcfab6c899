// Each command imports only what it uses (field lessons: `gateway health --json` loaded text formatting
// before connecting). A runtime trace of every src/ module a real CLI process loads, in order, with the
// moment the WebSocket opens: `gateway health --json` never loads the server, the methods, logging or
// config-writing modules, and output formatting loads only after the socket opened.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { REPLAY_TOKEN, startReplayServer, type ReplayServer } from "../client/_replay-server.ts";
import { cleanupScratch, envFor, scratchDir, spawnCli, stateWithConfig } from "./_helpers.ts";

const PRELOAD = join(import.meta.dir, "_trace-preload.ts");
let server: ReplayServer;
let env: Record<string, string | undefined>;

beforeAll(() => {
  server = startReplayServer();
  env = envFor(stateWithConfig({ gateway: { mode: "local", port: server.port, auth: { token: REPLAY_TOKEN } } }));
});
afterAll(() => {
  server.stop();
  cleanupScratch();
});

/** Runs the CLI with the trace preload; returns its exit code and the trace as src-relative entries. */
async function traced(argv: string[]): Promise<{ code: number; trace: string[] }> {
  const file = join(scratchDir("openclaw-trace-"), "trace.txt");
  const proc = spawnCli(argv, { ...env, OPENCLAW_TRACE_FILE: file }, ["--preload", PRELOAD]);
  const code = await proc.exited;
  const trace = readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => line.replace(/^load .*\/src\//, "src/").replace(/^websocket .*/, "<websocket>"));
  return { code, trace };
}

const FORBIDDEN = [/^src\/server\//, /^src\/methods\//, /^src\/logging\//, /^src\/config\/(write|edit|dev-profile)\.ts$/];

describe("module loading per command", () => {
  test("`gateway health --json` loads no server, methods, logging or config-writing module, and no formatter", async () => {
    const { code, trace } = await traced(["gateway", "health", "--json"]);
    expect(code).toBe(0);
    expect(trace).toContain("src/cli/gateway/health.ts");
    expect(trace).toContain("<websocket>");
    expect(trace.filter((m) => FORBIDDEN.some((re) => re.test(m)))).toEqual([]);
    expect(trace.filter((m) => /_health-format|_failure|_style/.test(m))).toEqual([]);
  });

  test("`gateway health` loads its formatter only after the socket opened", async () => {
    const { code, trace } = await traced(["gateway", "health"]);
    expect(code).toBe(0);
    const socket = trace.indexOf("<websocket>");
    const formatter = trace.indexOf("src/cli/gateway/_health-format.ts");
    expect(socket).toBeGreaterThan(-1);
    expect(formatter).toBeGreaterThan(socket);
  });

  test("`--version` loads the entry point and the version module only", async () => {
    const { code, trace } = await traced(["--version"]);
    expect(code).toBe(0);
    expect(trace).toEqual(["src/main.ts", "src/version.ts"]);
  });
});
