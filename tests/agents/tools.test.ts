// Workspace tools driven by a scripted stand-in model: write/read round trip, paths outside refused, exec
// approvals (approve, deny, timeout), background exec polled to completion, abort during a tool call (the
// process is killed by PID, the transcript stays consistent), tool policy, and /tools/invoke under the same policy.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { deepMerge, spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type Frame, type TestSocket } from "../helpers/ws.ts";
import { agentsConfig, STANDIN_ENV } from "./_setup.ts";
import { startStandIn, type StandIn } from "./stand-in.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let op: TestSocket;
const pids: number[] = [];

beforeAll(async () => {
  standIn = startStandIn();
  const config = deepMerge(agentsConfig(standIn, false), {
    agents: {
      entries: {
        asker: { tools: { exec: { mode: "ask" } } },
        hasty: { tools: { exec: { mode: "ask", approvalTimeoutMs: 1 } } },
        locked: { tools: { deny: ["exec", "group:fs"], allow: ["*"] } },
      },
    },
  });
  // The token also in the environment: exec must not hand it to commands.
  gw = await spawnGateway({ config, token: "env-secret-token", env: { ...STANDIN_ENV, OPENCLAW_GATEWAY_TOKEN: "env-secret-token" } });
  op = await connectOperator(gw.url, gw.token, ["operator.admin"]);
  await op.request("sessions.subscribe", {});
});
afterAll(async () => {
  // Any process a failed test left behind is killed by PID.
  for (const pid of pids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {}
  }
  op?.close();
  await stopAllGateways();
  standIn.stop();
});

const ended = (runId: string) => (f: Frame) => f.event === "agent" && f.payload?.runId === runId && f.payload.stream === "lifecycle" && f.payload.data?.phase !== "start";
const history = async (key: string) => (await op.request("chat.history", { sessionKey: key })).payload.messages as any[];
const results = (messages: any[]) => messages.filter((m) => m.role === "toolResult").map((m) => [m.toolName, m.isError, m.content[0].text]);

async function run(agentId: string, session: string, model: string, runId: string): Promise<Frame> {
  const res = await op.request("agent", { message: `go ${runId}`, agentId, sessionKey: session, model: `stand/${model}`, idempotencyKey: runId });
  expect(res.ok).toBe(true);
  return op.next(ended(runId), 20_000);
}

test("write then read in the workspace; the model gets the result; calls and results are events and transcript", async () => {
  standIn.script("rw", [
    { tools: [{ name: "write", args: { path: "notes/a.txt", content: "hello tools" } }] },
    { tools: [{ name: "read", args: { path: "notes/a.txt" } }] },
    { text: "all done" },
  ]);
  const end = await run("main", "rw", "script-rw", "rw-1");
  expect(end.payload.data.phase).toBe("end");
  expect(readFileSync(join(gw.stateDir, "workspace", "notes", "a.txt"), "utf8")).toBe("hello tools");
  const messages = await history("rw");
  expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "toolResult", "assistant", "toolResult", "assistant"]);
  expect(messages[1].content).toEqual([{ type: "toolCall", id: "call_0_0", name: "write", arguments: { path: "notes/a.txt", content: "hello tools" } }]);
  expect(results(messages)).toEqual([["write", false, "Wrote 11 bytes to notes/a.txt"], ["read", false, "hello tools"]]);
  expect(messages[5].content).toEqual([{ type: "text", text: "all done" }]);
  // The third model call carried the read result back.
  const third = standIn.requests.filter((r) => r.model === "script-rw")[2]!;
  expect(third.body.messages.at(-1)).toMatchObject({ role: "tool", content: "hello tools", tool_call_id: "call_1_0" });
  // Every workspace tool, and no `message` tool: this gateway configures no channel.
  expect(third.body.tools.map((t: any) => t.function.name)).toEqual(["read", "write", "edit", "apply_patch", "ls", "find", "grep", "exec", "process"]);
  const toolEvents = op.frames.filter((f) => f.event === "session.tool" && f.payload.runId === "rw-1").map((f) => [f.payload.data.phase, f.payload.data.name]);
  expect(toolEvents).toEqual([["start", "write"], ["result", "write"], ["start", "read"], ["result", "read"]]);
});

test("paths outside the workspace are refused and nothing is written there", async () => {
  standIn.script("escape", [
    { tools: [{ name: "write", args: { path: "../escaped.txt", content: "x" } }, { name: "read", args: { path: "/etc/hostname" } }, { name: "exec", args: { command: "pwd", workdir: "/" } }] },
    { text: "refused" },
  ]);
  await run("main", "escape", "script-escape", "escape-1");
  const [write, read, exec] = results(await history("escape"));
  expect(write).toEqual(["write", true, expect.stringContaining("outside the workspace")]);
  expect(read).toEqual(["read", true, expect.stringContaining("outside the workspace")]);
  expect(exec).toEqual(["exec", true, expect.stringContaining("outside the workspace")]);
  expect(existsSync(join(gw.stateDir, "escaped.txt"))).toBe(false);
});

test("an exec needing approval waits, is listed and announced, runs after approve; refused after deny and timeout", async () => {
  standIn.script("ask", [{ tools: [{ name: "exec", args: { command: "echo approved-$((40+2))" } }] }, { text: "ok" }]);
  for (const [decision, runId] of [["allow-once", "ask-1"], ["deny", "ask-2"]] as const) {
    await op.request("agent", { message: "run it", agentId: "asker", sessionKey: runId, model: "stand/script-ask", idempotencyKey: runId });
    const requested = await op.next((f) => f.event === "exec.approval.requested" && f.payload.request.runId === runId);
    expect(requested.payload.request).toMatchObject({ command: "echo approved-$((40+2))", agentId: "asker", sessionKey: `agent:asker:${runId}` });
    const listed = (await op.request("exec.approval.list", {})).payload;
    expect(listed).toEqual([expect.objectContaining({ id: requested.payload.id, approvalKind: "exec" })]);
    const resolved = await op.request("exec.approval.resolve", { id: requested.payload.id, decision });
    expect(resolved.ok).toBe(true);
    await op.next(ended(runId), 20_000);
    expect((await op.request("exec.approval.list", {})).payload).toEqual([]);
  }
  expect(results(await history("agent:asker:ask-1"))).toEqual([["exec", false, "approved-42\n"]]);
  expect(results(await history("agent:asker:ask-2"))).toEqual([["exec", true, "exec denied by an operator"]]);
  expect((await op.request("exec.approval.resolve", { id: "no-such-approval", decision: "deny" })).error?.code).toBe("INVALID_REQUEST");

  await op.request("agent", { message: "run it", agentId: "hasty", sessionKey: "ask-3", model: "stand/script-ask", idempotencyKey: "ask-3" });
  const expired = await op.next((f) => f.event === "exec.approval.resolved" && f.payload.request.runId === "ask-3");
  expect(expired.payload).toMatchObject({ decision: "deny", reason: "timeout" });
  await op.next(ended("ask-3"), 20_000);
  expect(results(await history("agent:hasty:ask-3"))).toEqual([["exec", true, "exec denied: approval timed out"]]);
});

test("exec runs in the workspace without the gateway's own credentials in its environment", async () => {
  standIn.script("env", [{ tools: [{ name: "exec", args: { command: "pwd; echo token=${OPENCLAW_GATEWAY_TOKEN:-none} shell=$OPENCLAW_SHELL" } }] }, { text: "ok" }]);
  await run("main", "env", "script-env", "env-1");
  const [[, isError, text]] = results(await history("env")) as [[string, boolean, string]];
  expect(isError).toBe(false);
  expect(text).toBe(`${join(gw.stateDir, "workspace")}\ntoken=none shell=exec\n`);
});

test("a background exec is polled to completion", async () => {
  standIn.script("bg", [
    { tools: [{ name: "exec", args: { command: "echo first; sleep 0.2; echo second", background: true } }] },
    (body) => {
      const started = body.messages.at(-1).content as string;
      const sessionId = /sessionId (\w+)/.exec(started)![1]!;
      return { tools: [{ name: "process", args: { action: "poll", sessionId, timeout: 20_000 } }] };
    },
    { text: "finished" },
  ]);
  await run("main", "bg", "script-bg", "bg-1");
  const [started, polled] = results(await history("bg"));
  expect(started![2]).toContain("Command still running");
  expect(polled).toEqual(["process", false, "first\nsecond\n\n[exited, exit code 0]"]);
});

test("abort during a tool call kills the process and leaves every tool call answered", async () => {
  standIn.script("hang", [{ tools: [{ name: "exec", args: { command: "sleep 30" } }, { name: "write", args: { path: "never.txt", content: "x" } }] }, { text: "unreachable" }]);
  await op.request("agent", { message: "hang", sessionKey: "hang", model: "stand/script-hang", idempotencyKey: "hang-1" });
  // The exec reports its pid once the process is running.
  const update = await op.next((f) => f.event === "session.tool" && f.payload.runId === "hang-1" && f.payload.data.phase === "update");
  const pid = update.payload.data.partialResult.details.pid as number;
  pids.push(pid);
  expect(alive(pid)).toBe(true);
  const aborted = await op.request("chat.abort", { sessionKey: "hang" });
  expect(aborted.payload.runIds).toEqual(["hang-1"]);
  const end = await op.next(ended("hang-1"), 20_000);
  expect(end.payload.data).toMatchObject({ phase: "end", aborted: true });
  expect(alive(pid)).toBe(false);
  const messages = await history("hang");
  expect(messages.map((m) => m.role)).toEqual(["user", "assistant", "toolResult", "toolResult", "assistant"]);
  expect(results(messages).map((r) => [r[0], r[1]])).toEqual([["exec", true], ["write", true]]);
  expect(messages[4]).toMatchObject({ stopReason: "aborted" });
  expect(existsSync(join(gw.stateDir, "workspace", "never.txt"))).toBe(false);
});

test("tool policy: a denied tool is neither offered nor run; /tools/invoke obeys the same policy", async () => {
  standIn.script("locked", [{ tools: [{ name: "exec", args: { command: "echo no" } }] }, { text: "ok" }]);
  await run("locked", "locked", "script-locked", "locked-1");
  expect(results(await history("agent:locked:locked"))).toEqual([["exec", true, "Tool not available: exec"]]);
  const offered = standIn.requests.find((r) => r.model === "script-locked")!.body.tools.map((t: any) => t.function.name);
  expect(offered).toEqual(["process"]);

  const invoke = (body: unknown) => fetch(`${gw.httpUrl}/tools/invoke`, { method: "POST", headers: { authorization: `Bearer ${gw.token}`, "content-type": "application/json" }, body: JSON.stringify(body) });
  const read = await invoke({ tool: "read", args: { path: "notes/a.txt" } });
  expect(await read.json()).toEqual({ ok: true, result: { content: [{ type: "text", text: "hello tools" }], details: expect.objectContaining({ path: "notes/a.txt" }) } });
  expect((await invoke({ tool: "read", agentId: "locked", args: { path: "notes/a.txt" } })).status).toBe(404);
  expect((await invoke({ tool: "exec", args: { command: "id" } })).status).toBe(404);
  const outside = await invoke({ tool: "read", args: { path: "../../etc/passwd" } });
  expect(outside.status).toBe(400);
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test("openclaw approvals: pending, resolve allow-always (then no prompt), get, allowlist add/remove", async () => {
  const { cli } = await import("../helpers/cli.ts");
  const env = { HOME: gw.stateDir, OPENCLAW_STATE_DIR: gw.stateDir, NO_COLOR: "1", ...STANDIN_ENV };
  standIn.script("uname", [{ tools: [{ name: "exec", args: { command: "uname -s" } }] }, { text: "ok" }]);
  await op.request("agent", { message: "uname", agentId: "asker", sessionKey: "cli-ask", model: "stand/script-uname", idempotencyKey: "cli-ask-1" });
  const requested = await op.next((f) => f.event === "exec.approval.requested" && f.payload.request.runId === "cli-ask-1");
  const pending = await cli(["approvals", "pending", "--json"], env);
  expect(pending.code).toBe(0);
  expect(JSON.parse(pending.stdout).map((a: any) => a.id)).toEqual([requested.payload.id]);
  const resolved = await cli(["approvals", "resolve", requested.payload.id, "allow-always"], env);
  expect(resolved.stdout).toBe(`Resolved ${requested.payload.id}: allow-always`);
  await op.next(ended("cli-ask-1"), 20_000);
  // The executable is now allowlisted for this agent: the same command runs without a prompt.
  await op.request("agent", { message: "uname", agentId: "asker", sessionKey: "cli-ask", model: "stand/script-uname", idempotencyKey: "cli-ask-2" });
  await op.next(ended("cli-ask-2"), 20_000);
  expect(op.frames.some((f) => f.event === "exec.approval.requested" && f.payload.request.runId === "cli-ask-2")).toBe(false);
  expect(results(await history("agent:asker:cli-ask")).map((r) => r[2])).toEqual(["Linux\n", "Linux\n"]);

  const get = JSON.parse((await cli(["approvals", "get", "--json"], env)).stdout);
  expect(get.effective.asker).toMatchObject({ mode: "ask", allowlist: [expect.objectContaining({ pattern: expect.stringMatching(/\/uname$/), source: "allow-always" })] });
  expect(get.effective.main.mode).toBe("full");
  const { statSync } = await import("node:fs");
  expect(statSync(join(gw.stateDir, "exec-approvals.json")).mode & 0o777).toBe(0o600);
  expect((await cli(["approvals", "allowlist", "add", "/usr/bin/uptime", "--agent", "asker"], env)).code).toBe(0);
  expect((await cli(["approvals", "allowlist", "remove", "/usr/bin/uptime", "--agent", "asker"], env)).code).toBe(0);
  expect((await cli(["approvals", "resolve", "nope", "maybe"], env)).code).toBe(1);
});
