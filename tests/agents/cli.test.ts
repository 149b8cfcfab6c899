// `openclaw agent`, `openclaw sessions` and `openclaw models list` against a real gateway and the stand-in.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import { cli } from "../helpers/cli.ts";
import { startAgentsGateway, stopAgentsGateways } from "./_gateway.ts";

let gw: SpawnedGateway;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  ({ gw, cliEnv: env } = await startAgentsGateway({ args: ["--raw-stream"] }));
});
afterAll(stopAgentsGateways);

test("openclaw agent prints the streamed reply; --json prints the final response", async () => {
  const plain = await cli(["agent", "--message", "from the cli", "--session", "cli-1"], env);
  expect(plain.stderr).toBe("");
  expect(plain.stdout).toBe("echo(alpha): from the cli");
  expect(plain.code).toBe(0);

  const json = await cli(["agent", "-m", "json please", "--agent", "writer", "--json"], env);
  expect(json.code).toBe(0);
  const payload = JSON.parse(json.stdout);
  expect(payload).toMatchObject({ status: "ok", result: { payloads: [{ text: "echo(gamma): json please" }] } });

  // --raw-stream: the provider's raw SSE events of both runs are in the JSONL file.
  const raw = readFileSync(join(gw.stateDir, "logs", "raw-stream.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line));
  expect(raw.some((r) => r.provider === "stand" && r.model === "alpha" && r.data === "[DONE]")).toBe(true);
  expect(raw.some((r) => r.provider === "claude" && r.event === "message_stop")).toBe(true);
});

test("openclaw agent fails clearly: no message, unknown agent", async () => {
  const none = await cli(["agent"], env);
  expect(none.code).toBe(1);
  expect(none.stderr).toContain("--message is required");
  const ghost = await cli(["agent", "--message", "x", "--agent", "ghost"], env);
  expect(ghost.code).toBe(1);
  expect(ghost.stderr).toContain("agents.entries.ghost");
});

test("openclaw sessions lists the sessions; --json gives the sessions.list payload", async () => {
  const table = await cli(["sessions"], env);
  expect(table.code).toBe(0);
  expect(table.stdout).toContain("agent:main:cli-1");
  expect(table.stdout).toContain("stand/alpha");
  const json = await cli(["sessions", "--json", "--agent", "writer"], env);
  expect(JSON.parse(json.stdout).sessions.map((s: any) => s.key)).toEqual(["agent:writer:main"]);
  const bad = await cli(["sessions", "--limit", "-3"], env);
  expect(bad.code).toBe(1);
  expect(bad.stderr).toContain('Expected --limit to be a positive integer, got "-3"');
});

test("openclaw models list shows the configured models and the default chain", async () => {
  const out = await cli(["models", "list"], env);
  expect(out.code).toBe(0);
  expect(out.stdout).toContain("stand/alpha");
  expect(out.stdout).toContain("claude/gamma");
  expect(out.stdout).toMatch(/stand\/alpha\s+openai-completions, ctx 8000, default/);
  const json = JSON.parse((await cli(["models", "list", "--json"], env)).stdout);
  expect(json.default).toEqual(["stand/alpha"]);
  expect(json.models.map((m: any) => m.key)).toEqual(["stand/alpha", "stand/text-embed", "resp/beta", "claude/gamma"]);
});
