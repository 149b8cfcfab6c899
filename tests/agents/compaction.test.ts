// sessions.compact without maxLines: the model writes the summary of the older part (the stand-in model
// answers it), the newest messages stay, the next turn sees summary + tail; when no model can write it, the
// transcript stays as it was. Pure parts (where the kept tail starts) are checked without a gateway.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { splitPoint } from "../../src/agents/compaction.ts";
import { deepMerge, type SpawnedGateway } from "../helpers/gateway.ts";
import type { Frame, TestSocket } from "../helpers/ws.ts";
import { agentsConfig } from "./_setup.ts";
import type { StandIn } from "./stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "./_gateway.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let op: TestSocket;

beforeAll(async () => {
  // A tail of about 8 tokens (32 characters) is kept: the last exchange of each test conversation.
  ({ standIn, gw, op } = await startAgentsGateway({ config: (standIn) => deepMerge(agentsConfig(standIn, false), { agents: { defaults: { compaction: { keepRecentTokens: 8 } } } }) }));
});
afterAll(stopAgentsGateways);

const ended = (runId: string) => (f: Frame) => f.event === "agent" && f.payload?.runId === runId && f.payload.stream === "lifecycle" && ["end", "error"].includes(f.payload.data?.phase);
const history = async (key: string) => (await op.request("chat.history", { sessionKey: key })).payload.messages as any[];
const text = (m: any) => (typeof m.content === "string" ? m.content : m.content.map((c: any) => c.text ?? "").join(""));

let turn = 0;
async function converse(session: string, lines: string[]): Promise<void> {
  for (const line of lines) {
    const runId = `${session}-${++turn}`;
    await op.request("chat.send", { sessionKey: session, message: line, idempotencyKey: runId });
    await op.next(ended(runId));
  }
}

test("the kept tail: the newest messages within the budget, never a tool result without its call", () => {
  const m = (role: string, content: string, toolCalls?: any[]) => ({ role: role as any, content, toolCalls: toolCalls ?? null });
  const msgs = [m("user", "x".repeat(40)), m("assistant", "", [{ id: "1", name: "read", arguments: "{}" }]), m("tool", "y".repeat(8)), m("assistant", "z".repeat(8))];
  // 2 + 2 tokens fit a budget of 5: the cut would fall on the tool result, so it moves back to its call.
  expect(splitPoint(msgs, 5)).toBe(1);
  expect(splitPoint(msgs, 100)).toBe(0);
  expect(splitPoint(msgs, 0)).toBe(4);
});

test("the model writes the summary of the older part; the tail stays; the next turn reads summary + tail", async () => {
  const key = "agent:main:compact-me";
  await converse(key, ["my name is Ada and my order id is ORD-77", "I prefer tea", "ok"]);
  const before = standIn.requests.length;
  const res = (await op.request("sessions.compact", { key })).payload;
  // Read before toMatchObject: Bun's asymmetric matchers can be left in the object they matched.
  const firstKept = res.result?.firstKeptEntryId;
  expect(res).toMatchObject({ ok: true, key, compacted: true, result: { summary: expect.stringContaining("ORD-77"), firstKeptEntryId: expect.any(String) } });
  expect(Object.keys(res)).toEqual(["ok", "key", "compacted", "result"]);
  expect(res.result).toMatchObject({ tokensBefore: expect.any(Number), tokensAfter: expect.any(Number) });
  // One model request asked for the summary, with the older conversation (not the kept tail) as its input.
  const ask = standIn.requests.slice(before);
  expect(ask).toHaveLength(1);
  const input = ask[0]!.body.messages.at(-1).content as string;
  expect(ask[0]!.body.messages[0]).toMatchObject({ role: "system", content: expect.stringContaining("summary") });
  expect(input).toContain("[user]: my name is Ada and my order id is ORD-77");
  expect(input).not.toContain("[user]: ok");
  const after = await history(key);
  expect(text(after[0])).toStartWith("The conversation before this point was compacted into this summary:");
  expect(after.slice(1).map(text)).toEqual(["ok", "echo(alpha): ok"]);
  // firstKeptEntryId names the kept tail's first message as the new transcript holds it.
  expect(firstKept).toBe(after[1].id);
  await converse(key, ["what is my order id?"]);
  const next = standIn.requests.at(-1)!.body.messages.filter((m: any) => m.role !== "system").map((m: any) => m.content);
  expect(next[0]).toContain("ORD-77");
  expect(next.slice(1)).toEqual(["ok", "echo(alpha): ok", "what is my order id?"]);
});

test("the session's fallback chain writes it when the primary fails; with no model able to, nothing changes", async () => {
  const sturdy = "agent:sturdy:compact";
  await converse(sturdy, ["first thing to remember", "second", "ok"]);
  const res = (await op.request("sessions.compact", { key: sturdy })).payload;
  expect(res).toMatchObject({ ok: true, compacted: true, result: { summary: expect.stringContaining("echo(beta)") } });

  // An explicit compaction model is exact: when it fails there is no fallback, and the transcript is kept.
  const key = "agent:main:keep-me";
  await converse(key, ["alpha one", "alpha two", "ok"]);
  const kept = (await history(key)).map(text);
  const config = JSON.parse(await Bun.file(gw.configPath).text());
  config.agents.defaults.compaction.model = "stand/fail-summary";
  await Bun.write(gw.configPath, JSON.stringify(config));
  await gw.waitForOutput(/config changed \(file\): [^\n]*agents\.defaults\.compaction\.model/);
  const failed = (await op.request("sessions.compact", { key })).payload;
  expect(failed).toMatchObject({ ok: false, key, compacted: false, reason: expect.stringContaining("transcript unchanged") });
  expect((await history(key)).map(text)).toEqual(kept);
}, 20_000);

test("a turn that lands while the summary is being written is kept after it", async () => {
  const key = "agent:main:race";
  await converse(key, ["race one", "race two", "ok"]);
  const line = "config changed \\(file\\): [^\\n]*agents\\.defaults\\.compaction\\.model";
  const before = gw.output().match(new RegExp(line, "g"))?.length ?? 0;
  const config = JSON.parse(await Bun.file(gw.configPath).text());
  config.agents.defaults.compaction.model = "stand/hold-sum";
  await Bun.write(gw.configPath, JSON.stringify(config));
  // The held model writes the summary: it streams a first piece and waits for release().
  await gw.waitForOutput(new RegExp(`(?:${line}[\\s\\S]*){${before + 1}}`));
  const pending = op.request("sessions.compact", { key });
  await standIn.waitFor((r) => r.model === "hold-sum");
  await converse(key, ["during"]);
  standIn.release();
  expect((await pending).payload).toMatchObject({ ok: true, compacted: true });
  expect((await history(key)).slice(1).map(text)).toEqual(["ok", "echo(alpha): ok", "during", "echo(alpha): during"]);
}, 20_000);
