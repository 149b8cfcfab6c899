// agents.create|update|delete, agents.files.*, the workspace's bootstrap files in the system prompt, several
// agents each with their own workspace and model, and `openclaw agents list|add|delete`.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { cli } from "../helpers/cli.ts";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws.ts";
import { STANDIN_ENV } from "./_setup.ts";
import type { StandIn } from "./stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "./_gateway.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let op: TestSocket;

beforeAll(async () => {
  ({ standIn, gw, op } = await startAgentsGateway());
});
afterAll(stopAgentsGateways);

const ended = (runId: string) => (f: any) => f.event === "agent" && f.payload?.runId === runId && f.payload.stream === "lifecycle" && f.payload.data?.phase !== "start";

test("create two agents with their own workspace and model; bootstrap files reach the system prompt", async () => {
  standIn.script("helper", [{ tools: [{ name: "write", args: { path: "mine.txt", content: "helper's" } }] }, { text: "ok" }]);
  const created = await op.request("agents.create", { name: "Helper Bot", model: "stand/script-helper", emoji: "🤖" });
  const workspace = join(gw.stateDir, "workspace-helper-bot");
  expect(created.payload).toEqual({ ok: true, agentId: "helper-bot", name: "Helper Bot", workspace, model: "stand/script-helper" });
  expect((await op.request("agents.create", { name: "helper bot" })).error?.message).toContain("already exists");
  const second = await op.request("agents.create", { name: "Other" });
  expect(second.payload.workspace).toBe(join(gw.stateDir, "workspace-other"));

  const roster = (await op.request("agents.list", {})).payload.agents.map((a: any) => [a.id, a.model?.primary]);
  expect(roster).toContainEqual(["helper-bot", "stand/script-helper"]);
  expect((await op.request("agent.identity.get", { agentId: "helper-bot" })).payload).toMatchObject({ name: "Helper Bot", emoji: "🤖" });

  const files = (await op.request("agents.files.list", { agentId: "helper-bot" })).payload;
  expect(files.files.map((f: any) => [f.name, f.missing])).toEqual([["AGENTS.md", false], ["SOUL.md", false], ["USER.md", true], ["BOOTSTRAP.md", true], ["MEMORY.md", true]]);
  const current = (await op.request("agents.files.get", { agentId: "helper-bot", name: "AGENTS.md" })).payload.file;
  const set = await op.request("agents.files.set", { agentId: "helper-bot", name: "AGENTS.md", content: "Always answer in haiku.", expectedHash: current.hash });
  expect(set.payload.file).toMatchObject({ name: "AGENTS.md", missing: false, content: "Always answer in haiku." });
  const stale = await op.request("agents.files.set", { agentId: "helper-bot", name: "AGENTS.md", content: "x", expectedHash: current.hash });
  expect(stale.error?.code).toBe("INVALID_REQUEST");
  expect((await op.request("agents.files.get", { agentId: "helper-bot", name: "../openclaw.json" })).error?.message).toContain("unsupported file");

  await op.request("agent", { message: "hi", agentId: "helper-bot", idempotencyKey: "helper-1" });
  await op.next(ended("helper-1"), 20_000);
  const request = standIn.requests.find((r) => r.model === "script-helper")!;
  const system = request.body.messages[0];
  expect(system.role).toBe("system");
  expect(system.content).toContain("## AGENTS.md\nAlways answer in haiku.");
  expect(system.content).toContain("- Name: Helper Bot");
  // The tool wrote into this agent's workspace, not the default one.
  expect(readFileSync(join(workspace, "mine.txt"), "utf8")).toBe("helper's");
  expect(existsSync(join(gw.stateDir, "workspace", "mine.txt"))).toBe(false);

  expect((await op.request("agents.update", { agentId: "helper-bot", model: "stand/alpha", name: "Helper" })).payload).toEqual({ ok: true, agentId: "helper-bot" });
  await op.request("agent", { message: "plain", agentId: "helper-bot", idempotencyKey: "helper-2" });
  await op.next(ended("helper-2"), 20_000);
  expect((await op.request("agent.wait", { runId: "helper-2" })).payload.status).toBe("ok");
  expect(standIn.requests.at(-1)!.model).toBe("alpha");

  expect((await op.request("agents.delete", { agentId: "main" })).error?.code).toBe("INVALID_REQUEST");
  const deleted = await op.request("agents.delete", { agentId: "other", deleteFiles: true });
  expect(deleted.payload).toEqual({ ok: true, agentId: "other", removedBindings: 0, removed: [{ path: join(gw.stateDir, "workspace-other"), method: "trash" }] });
  expect(existsSync(join(gw.stateDir, "workspace-other"))).toBe(false);
  expect((await op.request("agents.files.list", { agentId: "other" })).error?.code).toBe("INVALID_REQUEST");
});

test("openclaw agents list | add | delete", async () => {
  const env = { HOME: gw.stateDir, OPENCLAW_STATE_DIR: gw.stateDir, NO_COLOR: "1", ...STANDIN_ENV };
  const added = await cli(["agents", "add", "Cli Agent", "--model", "stand/alpha", "--json"], env);
  expect(added.code).toBe(0);
  expect(JSON.parse(added.stdout)).toMatchObject({ ok: true, agentId: "cli-agent" });
  const list = await cli(["agents", "list", "--json"], env);
  expect(JSON.parse(list.stdout).agents.map((a: any) => a.id)).toContain("cli-agent");
  const plain = await cli(["agents"], env);
  expect(plain.stdout.split("\n")[0]).toBe("main (default)  stand/alpha");
  const removed = await cli(["agents", "delete", "cli-agent"], env);
  expect(removed.stdout).toBe("Deleted agent cli-agent");
  expect((await cli(["agents", "delete", "main"], env)).code).toBe(1);
});
