// kill -9 of the gateway in the middle of an agent run: the session store opens cleanly afterwards and keeps
// every message committed before the kill; a restarted gateway serves them and runs again.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { join } from "node:path";
import { SessionStore } from "../../src/agents/store.ts";
import { connectOperator } from "../helpers/ws.ts";
import { spawnGateway, type SpawnedGateway } from "../helpers/gateway.ts";
import { agentsConfig, STANDIN_ENV } from "./_setup.ts";
import type { StandIn } from "./stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "./_gateway.ts";

let standIn: StandIn;
let first: SpawnedGateway;

beforeAll(async () => {
  ({ standIn, gw: first } = await startAgentsGateway());
});
afterAll(stopAgentsGateways);

test("kill -9 during a run, then restart: every committed message is there and the store is sound", async () => {
  const socket = await connectOperator(first.url, first.token, ["operator.write"]);
  const done = await socket.request("chat.send", { sessionKey: "crash", message: "before the crash", idempotencyKey: "c-1" });
  expect(done.payload.status).toBe("started");
  await socket.next((f) => f.event === "agent" && f.payload?.runId === "c-1" && f.payload.data?.phase === "end");
  // A second run that is mid-stream when the process dies: its user message is already committed.
  await socket.request("agent", { message: "during the crash", sessionKey: "crash", model: "stand/slow-crash", idempotencyKey: "c-2" });
  await socket.next((f) => f.event === "agent" && f.payload?.runId === "c-2" && f.payload.stream === "assistant");
  first.proc.kill("SIGKILL");
  await first.proc.exited;
  socket.close();

  const store = SessionStore.open(join(first.stateDir, "sessions", "sessions.sqlite"));
  try {
    expect(store.history("agent:main:crash").map((m) => [m.role, m.content])).toEqual([
      ["user", "before the crash"],
      ["assistant", "echo(alpha): before the crash"],
      ["user", "during the crash"],
    ]);
  } finally {
    store.close();
  }

  const second = await spawnGateway({ config: agentsConfig(standIn, false), env: STANDIN_ENV, stateDir: first.stateDir });
  const again = await connectOperator(second.url, second.token, ["operator.write"]);
  try {
    const history = await again.request("chat.history", { sessionKey: "crash" });
    // The run the kill interrupted is marked in the transcript as an assistant turn with stop reason "interrupted".
    expect(history.payload.messages[3]).toMatchObject({ role: "assistant", runId: "c-2", stopReason: "interrupted" });
    expect(history.payload.messages.slice(0, 3).map((m: any) => (typeof m.content === "string" ? m.content : m.content[0]?.text))).toEqual(["before the crash", "echo(alpha): before the crash", "during the crash"]);
    await again.request("chat.send", { sessionKey: "crash", message: "after", idempotencyKey: "c-3" });
    await again.next((f) => f.event === "agent" && f.payload?.runId === "c-3" && f.payload.data?.phase === "end");
    const after = await again.request("chat.history", { sessionKey: "crash" });
    expect(after.payload.messages.at(-1).content[0].text).toBe("echo(alpha): after");
  } finally {
    again.close();
  }
});

test("kill -9 during a tool call: after a restart every tool call has a result and the session runs again", async () => {
  standIn.script("crash-tool", [{ tools: [{ name: "exec", args: { command: "sleep 30" } }] }, { text: "never" }]);
  const gw = await spawnGateway({ config: agentsConfig(standIn, false), env: STANDIN_ENV });
  const socket = await connectOperator(gw.url, gw.token, ["operator.admin"]);
  await socket.request("sessions.subscribe", {});
  await socket.request("agent", { message: "run a tool", sessionKey: "crash-tool", model: "stand/script-crash-tool", idempotencyKey: "ct-1" });
  const update = await socket.next((f) => f.event === "session.tool" && f.payload?.runId === "ct-1" && f.payload.data.phase === "update");
  const pid = update.payload.data.partialResult.details.pid as number;
  gw.proc.kill("SIGKILL");
  await gw.proc.exited;
  socket.close();
  // The command's process group outlives a kill -9 of the gateway; the test ends it by PID.
  try {
    process.kill(-pid, "SIGKILL");
  } catch {}

  const again = await spawnGateway({ config: agentsConfig(standIn, false), env: STANDIN_ENV, stateDir: gw.stateDir });
  const op = await connectOperator(again.url, again.token, ["operator.admin"]);
  try {
    const messages = (await op.request("chat.history", { sessionKey: "crash-tool" })).payload.messages;
    expect(messages.map((m: any) => [m.role, m.stopReason ?? null])).toEqual([["user", null], ["assistant", "tool_calls"], ["toolResult", null], ["assistant", "interrupted"]]);
    expect(messages[2]).toMatchObject({ toolName: "exec", isError: true, toolCallId: messages[1].content[0].id });
    await op.request("agent", { message: "after", sessionKey: "crash-tool", idempotencyKey: "ct-2" });
    await op.next((f) => f.event === "agent" && f.payload?.runId === "ct-2" && f.payload.data?.phase === "end");
    // The replayed conversation pairs the tool call with its result.
    const replay = standIn.requests.at(-1)!.body.messages.filter((m: any) => m.role !== "system");
    expect(replay.map((m: any) => m.role)).toEqual(["user", "assistant", "tool", "user"]);
  } finally {
    op.close();
  }
});
