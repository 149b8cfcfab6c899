// sessions.create|send|abort|patch|compact|fork and the per-session queue modes (steer, followup, collect,
// interrupt). An exec waiting for approval holds a run between tool calls, deterministically, while the
// next message arrives.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { deepMerge, type SpawnedGateway } from "../helpers/gateway.ts";
import type { Frame, TestSocket } from "../helpers/ws.ts";
import { agentsConfig } from "./_setup.ts";
import type { StandIn } from "./stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "./_gateway.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let op: TestSocket;

beforeAll(async () => {
  ({ standIn, gw, op } = await startAgentsGateway({
    config: (standIn) => {
      standIn.script("gate", [{ tools: [{ name: "exec", args: { command: "echo gated" } }] }, { text: "after the gate" }]);
      standIn.script("gate2", [{ tools: [{ name: "exec", args: { command: "echo one" } }, { name: "exec", args: { command: "echo two" } }] }, { text: "after both" }]);
      return deepMerge(agentsConfig(standIn, false), { agents: { entries: { gated: { model: "stand/script-gate", tools: { exec: { mode: "ask" } } }, holder: { model: "stand/hold-x" }, gated2: { model: "stand/script-gate2", tools: { exec: { mode: "ask" } } } } } });
    },
  }));
});
afterAll(stopAgentsGateways);

const ended = (runId: string) => (f: Frame) => f.event === "agent" && f.payload?.runId === runId && f.payload.stream === "lifecycle" && f.payload.data?.phase !== "start";
const history = async (key: string) => (await op.request("chat.history", { sessionKey: key })).payload.messages as any[];
const texts = (messages: any[]) => messages.map((m) => [m.role, typeof m.content === "string" ? m.content : m.content.map((c: any) => c.text ?? c.name).join("")]);

/** Starts a gated run and waits until its exec is waiting for approval (the run sits between tool calls). */
async function gatedRun(session: string, runId: string): Promise<string> {
  await op.request("chat.send", { sessionKey: session, message: `start ${runId}`, idempotencyKey: runId });
  const requested = await op.next((f) => f.event === "exec.approval.requested" && f.payload.request.runId === runId);
  return requested.payload.id;
}

test("create with a first message, send, patch the model, abort, compact, fork", async () => {
  const created = await op.request("sessions.create", { label: "Planning", message: "first words", idempotencyKey: "sc-1" });
  const key = created.payload.key as string;
  expect(created.payload).toMatchObject({ ok: true, key: expect.stringMatching(/^agent:main:session:/), runStarted: true, runId: "sc-1", entry: { label: "Planning" } });
  await op.next(ended("sc-1"));
  const sent = await op.request("sessions.send", { key, message: "second", idempotencyKey: "sc-2" });
  expect(sent.error).toBeUndefined();
  expect(sent.payload).toEqual({ runId: "sc-2", status: "started" });
  await op.next(ended("sc-2"));
  expect((await op.request("sessions.send", { key: "nowhere", message: "x" })).error?.message).toContain("session not found");

  expect((await op.request("sessions.patch", { key, model: "nope/none" })).error?.code).toBe("INVALID_REQUEST");
  const patched = await op.request("sessions.patch", { key, model: "resp/beta", label: "Renamed" });
  expect(patched.payload).toMatchObject({ ok: true, key, entry: { label: "Renamed" } });
  await op.request("sessions.send", { key, message: "third", idempotencyKey: "sc-3" });
  await op.next(ended("sc-3"));
  expect(standIn.requests.at(-1)).toMatchObject({ path: "/v1/responses", model: "beta" });
  expect(texts(await history(key)).map((t) => t[1])).toEqual(["first words", "echo(alpha): first words", "second", "echo(alpha): second", "third", "echo(beta): third"]);

  expect((await op.request("sessions.abort", { key })).payload).toEqual({ ok: true, abortedRunId: null, status: "no-active-run" });
  await op.request("chat.send", { sessionKey: key, message: "long", idempotencyKey: "sc-4" });
  await op.request("sessions.patch", { key, model: null });
  const messages = await history(key);
  const fork = await op.request("sessions.fork", { sessionKey: key, entryId: messages[2].id });
  expect(fork.payload).toEqual({ sessionKey: expect.stringMatching(/:fork:/), editorText: "second" });
  expect(texts(await history(fork.payload.sessionKey))).toEqual([["user", "first words"], ["assistant", "echo(alpha): first words"]]);
  await op.next(ended("sc-4"));

  expect((await op.request("sessions.compact", { key, maxLines: 2 })).payload).toEqual({ ok: true, key, compacted: true, kept: 2 });
  expect((await history(key)).length).toBe(2);
  expect((await op.request("sessions.compact", { key })).payload).toMatchObject({ ok: true, compacted: false });
});

test("sessions.abort stops the running run", async () => {
  const approval = await gatedRun("agent:gated:abort", "ab-1");
  const aborted = await op.request("sessions.abort", { key: "agent:gated:abort" });
  expect(aborted.payload).toEqual({ ok: true, abortedRunId: "ab-1", status: "aborted" });
  await op.next(ended("ab-1"));
  expect((await op.request("exec.approval.list", {})).payload.map((a: any) => a.id)).not.toContain(approval);
});

test("steer: a message sent while tools run joins the run before its next model call", async () => {
  const approval = await gatedRun("agent:gated:steer", "st-1");
  const steered = await op.request("chat.send", { sessionKey: "agent:gated:steer", message: "also this", idempotencyKey: "st-2" });
  expect(steered.payload).toEqual({ runId: "st-2", status: "started" });
  await op.request("exec.approval.resolve", { id: approval, decision: "allow-once" });
  await op.next(ended("st-1"));
  expect((await op.request("agent.wait", { runId: "st-2", timeoutMs: 5000 })).payload).toMatchObject({ runId: "st-1", status: "ok" });
  expect(texts(await history("agent:gated:steer"))).toEqual([
    ["user", "start st-1"],
    ["assistant", "exec"],
    ["toolResult", "gated\n"],
    ["user", "also this"],
    ["assistant", "after the gate"],
  ]);
  const second = standIn.requests.filter((r) => r.model === "script-gate").at(-1)!;
  expect(second.body.messages.at(-1)).toEqual({ role: "user", content: "also this" });
});

test("steer between sequential tool calls: the running call finishes, the ones not started are skipped with a result", async () => {
  await op.request("chat.send", { sessionKey: "agent:gated2:steer", message: "start sk-1", idempotencyKey: "sk-1" });
  const first = await op.next((f) => f.event === "exec.approval.requested" && f.payload.request.runId === "sk-1");
  await op.request("chat.send", { sessionKey: "agent:gated2:steer", message: "stop, do this", idempotencyKey: "sk-2" });
  await op.request("exec.approval.resolve", { id: first.payload.id, decision: "allow-once" });
  await op.next(ended("sk-1"));
  // Only the first exec asked for approval: the second was skipped, not run.
  expect(op.frames.filter((f) => f.event === "exec.approval.requested" && f.payload.request.runId === "sk-1")).toHaveLength(1);
  expect(texts(await history("agent:gated2:steer"))).toEqual([
    ["user", "start sk-1"],
    ["assistant", "execexec"],
    ["toolResult", "one\n"],
    ["toolResult", "Skipped: a newer user message arrived before this call started; it was not run."],
    ["user", "stop, do this"],
    ["assistant", "after both"],
  ]);
});

test("steer while the model streams: the message joins the same run, which gives it another model round", async () => {
  const isHold = (text: string) => (r: { model: string; body: any }) => r.model === "hold-x" && r.body.messages.at(-1)?.content === text;
  await op.request("chat.send", { sessionKey: "agent:holder:steer", message: "first", idempotencyKey: "hs-1" });
  await standIn.waitFor(isHold("first"));
  const steered = await op.request("chat.send", { sessionKey: "agent:holder:steer", message: "also this", idempotencyKey: "hs-2" });
  expect(steered.payload).toEqual({ runId: "hs-2", status: "started" });
  standIn.release();
  const second = await standIn.waitFor(isHold("also this"));
  standIn.release();
  await op.next(ended("hs-1"));
  expect((await op.request("agent.wait", { runId: "hs-2", timeoutMs: 5000 })).payload).toMatchObject({ runId: "hs-1", status: "ok" });
  expect(second.body.messages.slice(-3).map((m: any) => [m.role, m.content])).toEqual([["user", "first"], ["assistant", "echo(hold-x): first"], ["user", "also this"]]);
  expect(texts(await history("agent:holder:steer"))).toEqual([
    ["user", "first"],
    ["assistant", "echo(hold-x): first"],
    ["user", "also this"],
    ["assistant", "echo(hold-x): also this"],
  ]);
});

test("followup runs after; collect merges the waiting messages; interrupt aborts the active run", async () => {
  let approval = await gatedRun("agent:gated:modes", "md-1");
  await op.request("chat.send", { sessionKey: "agent:gated:modes", message: "later", idempotencyKey: "md-2", queueMode: "followup" });
  await op.request("chat.send", { sessionKey: "agent:gated:modes", message: "and", idempotencyKey: "md-3", queueMode: "collect" });
  await op.request("chat.send", { sessionKey: "agent:gated:modes", message: "more", idempotencyKey: "md-4", queueMode: "collect" });
  await op.request("exec.approval.resolve", { id: approval, decision: "allow-once" });
  await op.next(ended("md-1"));
  // md-2 waited as the followup; the collected md-3 and md-4 joined it: one turn for the three messages.
  approval = (await op.next((f) => f.event === "exec.approval.requested" && f.payload.request.runId === "md-2")).payload.id;
  const interrupt = await op.request("chat.send", { sessionKey: "agent:gated:modes", message: "stop that", idempotencyKey: "md-5", queueMode: "interrupt" });
  expect(interrupt.payload).toEqual({ runId: "md-5", status: "started", interruptedActiveRun: true });
  const md2 = await op.next(ended("md-2"));
  expect(md2.payload.data).toMatchObject({ aborted: true });
  // md-5 runs next (the scripted model answers it in text: its turn follows md-2's aborted tool result).
  expect((await op.next(ended("md-5"))).payload.data.phase).toBe("end");
  expect((await op.request("exec.approval.list", {})).payload.map((a: any) => a.id)).not.toContain(approval);
  const users = (await history("agent:gated:modes")).filter((m) => m.role === "user").map((m) => m.content);
  expect(users).toEqual(["start md-1", "later\n\nand\n\nmore", "stop that"]);
  expect((await op.request("agent.wait", { runId: "md-4", timeoutMs: 5000 })).payload).toMatchObject({ runId: "md-2" });
});
