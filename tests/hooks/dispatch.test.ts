// What hooks do once authenticated, against a real gateway and the stand-in provider: a queued wake is
// taken by the session's next turn (into its system prompt), session and agent policy, mappings (templates,
// match.source, wake mappings, forEach fan-out, transforms refused), body limits, the token kept out of the
// log file, and the hooks' own auth limit (20 failures → 429, loopback included).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws.ts";
import { agentsConfig } from "../agents/_setup.ts";
import type { StandIn } from "../agents/stand-in.ts";
import { startAgentsGateway, stopAgentsGateways } from "../agents/_gateway.ts";
import { bearer, HOOK_TOKEN, post, read } from "./_setup.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let op: TestSocket;

const hooks = {
  enabled: true,
  token: HOOK_TOKEN,
  allowRequestSessionKey: true,
  allowedSessionKeyPrefixes: ["hook:"],
  allowedAgentIds: ["main", "writer"],
  mappings: [
    {
      id: "gh",
      match: { path: "github", source: "github" },
      name: "GitHub {{action}}",
      messageTemplate: "PR {{pull_request.number}}: {{pull_request.title}} by {{headers.x-sender}} ({{query.kind}} on {{path}}) {{missing}}|",
      sessionKey: "hook:github:{{pull_request.number}}",
      sessionMode: "persistent",
    },
    { id: "gh-other", match: { path: "github" }, action: "wake", textTemplate: "github event from {{source}}" },
    { id: "alert", match: { path: "alert" }, action: "wake", wakeMode: "next-heartbeat", textTemplate: "{{title}}" },
    { id: "batch", match: { path: "batch" }, forEach: "items", agentId: "writer", messageTemplate: "item {{items[0].n}} of {{count}}" },
    { id: "tx", match: { path: "transformed" }, transform: { module: "x.js" } },
  ],
};

beforeAll(async () => {
  ({ standIn, gw, op } = await startAgentsGateway({ config: (standIn) => ({ ...agentsConfig(standIn, false), hooks }) }));
});
afterAll(stopAgentsGateways);

const hook = async (path: string, body: unknown, headers: Record<string, string> = {}) => read(await post(gw.httpUrl, path, body, { ...bearer(), ...headers }));
const pending = async () => (await op.request("hooks.webhooks")).payload.pendingWakes as any[];
const waitRun = async (runId: string) => expect((await op.request("agent.wait", { runId, timeoutMs: 10_000 })).payload).toMatchObject({ runId, status: "ok" });
const history = async (key: string) => (await op.request("chat.history", { sessionKey: key })).payload.messages.map((m: any) => [m.role, typeof m.content === "string" ? m.content : m.content[0]?.text]);
const sessionOf = async (runId: string) => (await op.request("sessions.list", {})).payload.sessions.find((s: any) => s.lastRunId === runId);

describe("wakes", () => {
  test("a next-heartbeat wake waits in hooks.webhooks until the session's next turn takes it into its system prompt", async () => {
    expect(await hook("/hooks/wake", { text: "disk almost full", mode: "next-heartbeat" })).toMatchObject({ status: 200, json: { ok: true, mode: "next-heartbeat", eventOutcome: "queued" } });
    // (A "now" wake runs a heartbeat turn at once: tests/automations/wake.test.ts.)
    expect(await hook("/hooks/wake", { text: "backup done", mode: "next-heartbeat" })).toMatchObject({ json: { mode: "next-heartbeat", eventOutcome: "queued" } });
    expect((await pending()).map((w) => [w.sessionKey, w.text, w.mode])).toEqual([
      ["agent:main:main", "disk almost full", "next-heartbeat"],
      ["agent:main:main", "backup done", "next-heartbeat"],
    ]);
    const status = await op.request("hooks.webhooks");
    expect(status.payload).toMatchObject({ enabled: true, path: "/hooks", problems: [], heartbeatRequestedAt: null });
    expect(JSON.stringify(status.payload)).not.toContain(HOOK_TOKEN);

    const sent = await op.request("chat.send", { sessionKey: "main", message: "anything new?", idempotencyKey: "wake-consumer" });
    expect(sent.payload).toMatchObject({ runId: "wake-consumer", status: "started" });
    await waitRun("wake-consumer");
    const seen = await standIn.waitFor((r) => r.body.messages?.at(-1)?.content === "anything new?");
    const system = seen.body.messages[0];
    expect(system.role).toBe("system");
    // The workspace's bootstrap files come first (# Project Context); the hook's system events close the prompt.
    expect(system.content).toMatch(/System: \[\d{4}-\d\d-\d\dT[^\]]+\] disk almost full\nSystem: \[[^\]]+\] backup done$/);
    expect(await pending()).toEqual([]);
    // The wake text is context, not transcript: history holds only the turn itself.
    expect(await history("main")).toEqual([["user", "anything new?"], ["assistant", "echo(alpha): anything new?"]]);

    // Drained means drained: the next turn carries no system events.
    await op.request("chat.send", { sessionKey: "main", message: "and now?", idempotencyKey: "wake-after" });
    await waitRun("wake-after");
    const later = await standIn.waitFor((r) => r.body.messages?.at(-1)?.content === "and now?");
    expect(JSON.stringify(later.body.messages)).not.toContain("System: [");
  });

  test("wake sessionKey: only with mode now and an allowed prefix; agentId must exist", async () => {
    expect(await hook("/hooks/wake", { text: "ci green", sessionKey: "hook:ci" })).toMatchObject({ status: 200, json: { eventOutcome: "queued" } });
    // A "now" wake is taken by a turn at the next scheduler tick, which may already have come: queued or taken.
    expect([[], ["agent:main:hook:ci"]]).toContainEqual((await pending()).map((w) => w.sessionKey));
    expect(await hook("/hooks/wake", { text: "x", mode: "next-heartbeat", sessionKey: "hook:ci" })).toMatchObject({ status: 400, json: { ok: false, error: "sessionKey requires mode=now" } });
    expect(await hook("/hooks/wake", { text: "x", sessionKey: "other:1" })).toMatchObject({ status: 400, json: { error: "sessionKey must start with one of: hook:" } });
    expect(await hook("/hooks/wake", { text: "x", agentId: "ghost" })).toMatchObject({ status: 400, json: { error: 'unknown agentId "ghost"' } });
    expect(await hook("/hooks/wake", { text: "x", agentId: "sturdy" })).toMatchObject({ status: 400, json: { error: "agentId is not allowed by hooks.allowedAgentIds" } });
    expect(await hook("/hooks/wake", { text: "for the writer", agentId: "writer", mode: "next-heartbeat" })).toMatchObject({ status: 200 });
    expect((await pending()).map((w) => w.sessionKey)).toContain("agent:writer:main");
  });
});

describe("agent runs", () => {
  test("agentId picks the agent; unknown or disallowed agents are refused", async () => {
    const res = await hook("/hooks/agent", { message: "draft", agentId: "writer" });
    expect(res.status).toBe(200);
    await waitRun(res.json.runId);
    const row = await sessionOf(res.json.runId);
    expect(row).toMatchObject({ agentId: "writer", model: "gamma" });
    expect(row.key).toStartWith("agent:writer:hook:");
    expect(await hook("/hooks/agent", { message: "x", agentId: "ghost" })).toMatchObject({ status: 400, json: { ok: false, error: 'unknown agentId "ghost"' } });
    expect(await hook("/hooks/agent", { message: "x", agentId: "sturdy" })).toMatchObject({ status: 400, json: { error: "agentId is not allowed by hooks.allowedAgentIds" } });
    expect(await hook("/hooks/agent", { name: "x" })).toMatchObject({ status: 400, json: { error: "message required" } });
    expect(await hook("/hooks/agent", { message: "x", sessionMode: "forever" })).toMatchObject({ status: 400, json: { error: "sessionMode must be isolated or persistent" } });
    // A channel this gateway has not configured cannot be delivered to (tests/hooks/deliver.test.ts: configured ones).
    expect(await hook("/hooks/agent", { message: "x", channel: "telegram", to: "42" })).toMatchObject({ status: 400, json: { error: "Channel telegram is unavailable." } });
  });

  test("sessionKey: isolated runs get a fresh session under it; persistent runs share it", async () => {
    const a = await hook("/hooks/agent", { message: "one", sessionKey: "hook:ci:7" });
    expect(a).toMatchObject({ status: 200 });
    await waitRun(a.json.runId);
    expect((await sessionOf(a.json.runId)).key).toBe(`agent:main:hook:ci:7:run:${a.json.runId}`);

    const p1 = await hook("/hooks/agent", { message: "first", sessionKey: "hook:ci:8", sessionMode: "persistent" });
    const p2 = await hook("/hooks/agent", { message: "second", sessionKey: "hook:ci:8", sessionMode: "persistent" });
    await waitRun(p1.json.runId);
    await waitRun(p2.json.runId);
    const transcript = await history("agent:main:hook:ci:8");
    expect(transcript.map((m: any) => m[0])).toEqual(["user", "assistant", "user", "assistant"]);
    expect(transcript[2][1]).toContain("\nsecond\n");
    expect(await hook("/hooks/agent", { message: "x", sessionKey: "cron:nightly" })).toMatchObject({ status: 400, json: { error: "sessionKey uses a reserved namespace (subagent:, cron:, acp:)" } });
    // Prefixes apply to the key as sent: an agent-scoped key needs an agent: prefix in the allowlist.
    expect(await hook("/hooks/agent", { message: "x", sessionKey: "agent:main:hook:ci:8" })).toMatchObject({ status: 400, json: { error: "sessionKey must start with one of: hook:" } });
    expect(await hook("/hooks/agent", { message: "x", sessionKey: "other:1" })).toMatchObject({ status: 400, json: { error: "sessionKey must start with one of: hook:" } });
  });
});

describe("mappings", () => {
  test("a custom path renders the message and session key from the body, headers, query and path", async () => {
    const body = { source: "github", action: "opened", pull_request: { number: 42, title: "Fix it" } };
    const res = await hook("/hooks/github?kind=push", body, { "x-sender": "octo" });
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(["ok", "runId"]);
    await waitRun(res.json.runId);
    expect((await sessionOf(res.json.runId)).key).toBe("agent:main:hook:github:42");
    const [user] = await history("agent:main:hook:github:42");
    expect(user[1]).toBe("<<<EXTERNAL_UNTRUSTED_CONTENT>>>\nSource: Webhook (GitHub opened)\n---\nPR 42: Fix it by octo (push on github) |\n<<<END_EXTERNAL_UNTRUSTED_CONTENT>>>");
  });

  test("match.source decides between mappings; wake mappings queue; unknown paths 404; transforms 500", async () => {
    expect(await hook("/hooks/github", { source: "gitlab" })).toMatchObject({ status: 200, json: { ok: true, mode: "now", eventOutcome: "queued" } });
    expect(await hook("/hooks/alert/", { title: "CPU hot" })).toMatchObject({ status: 200, json: { ok: true, mode: "next-heartbeat", eventOutcome: "queued" } });
    expect(await hook("/hooks/alert", { title: "CPU hot" })).toMatchObject({ json: { eventOutcome: "coalesced" } });
    expect((await pending()).filter((w) => w.source.startsWith("mapping:")).map((w) => [w.sessionKey, w.text, w.source])).toEqual([
      ["agent:main:main", "github event from gitlab", "mapping:gh-other"],
      ["agent:main:main", "CPU hot", "mapping:alert"],
    ]);
    expect(await hook("/hooks/alert", {})).toMatchObject({ status: 400, json: { ok: false } });
    expect(await hook("/hooks/zzz", { title: "x" })).toMatchObject({ status: 404, text: "Not Found" });
    expect(await hook("/hooks/transformed", {})).toMatchObject({ status: 500, json: { ok: false, error: "hook mapping failed" } });
  });

  test("forEach: one run per item; no items → 204", async () => {
    const res = await hook("/hooks/batch", { count: 2, items: [{ n: 1 }, { n: 2 }] });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ ok: true, dispatched: 2 });
    expect(res.json.runIds).toHaveLength(2);
    expect(res.json.runId).toBe(res.json.runIds[0]);
    for (const [i, runId] of (res.json.runIds as string[]).entries()) {
      await waitRun(runId);
      const row = await sessionOf(runId);
      expect(row.agentId).toBe("writer");
      expect((await history(row.key))[0][1]).toContain(`\nitem ${i + 1} of 2\n`);
    }
    expect(await hook("/hooks/batch", { items: [] })).toMatchObject({ status: 204, text: "" });
    expect(await hook("/hooks/batch", { items: "nope" })).toMatchObject({ status: 204 });
  });
});

describe("bodies", () => {
  test("over 256 KiB → 413 (declared or streamed); bad JSON → 400; a non-object body is an empty payload", async () => {
    const big = JSON.stringify({ text: "x".repeat(300 * 1024) });
    expect(await hook("/hooks/wake", big)).toMatchObject({ status: 413, text: '{"ok":false,"error":"payload too large"}' });
    const chunk = new TextEncoder().encode("x".repeat(64 * 1024));
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"text":"'));
        for (let i = 0; i < 5; i++) controller.enqueue(chunk);
        controller.enqueue(new TextEncoder().encode('"}'));
        controller.close();
      },
    });
    const streamed = await fetch(`${gw.httpUrl}/hooks/wake`, { method: "POST", headers: bearer(), body: stream, duplex: "half" } as RequestInit);
    expect(await read(streamed)).toMatchObject({ status: 413, json: { ok: false, error: "payload too large" } });
    const justUnder = JSON.stringify({ text: `fits ${"y".repeat(200 * 1024)}` });
    expect(await hook("/hooks/wake", justUnder)).toMatchObject({ status: 200 });
    expect(await hook("/hooks/wake", '{"text":')).toMatchObject({ status: 400, json: { ok: false, error: "Unexpected end of JSON input" } });
    expect(await hook("/hooks/wake", "[1,2]")).toMatchObject({ status: 400, json: { error: "text required" } });
  });
});

describe("secrets and limits", () => {
  test("the hook token never reaches the log file", async () => {
    expect(await hook("/hooks/wake", { text: `leaked ${HOOK_TOKEN} here` })).toMatchObject({ status: 200 });
    let log = "";
    for (let i = 0; i < 100 && !log.includes("leaked *** here"); i++) {
      await Bun.sleep(50);
      log = existsSync(gw.logFile) ? readFileSync(gw.logFile, "utf8") : "";
    }
    expect(log).toContain("leaked *** here");
    expect(log).toContain("hook run");
    expect(log).not.toContain(HOOK_TOKEN);
    expect(gw.output()).not.toContain(HOOK_TOKEN);
  });

  test("20 failed hook logins → 429 with Retry-After, loopback included; the right token still works", async () => {
    for (let i = 0; i < 20; i++) expect((await hook("/hooks/wake", { text: "x" }, bearer(`wrong-${i}`))).status).toBe(401);
    const locked = await hook("/hooks/wake", { text: "x" }, bearer("wrong-again"));
    expect(locked).toMatchObject({ status: 429, text: "Too Many Requests" });
    expect(Number(locked.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(await hook("/hooks/wake", { text: "still me" })).toMatchObject({ status: 200 });
  });
});
