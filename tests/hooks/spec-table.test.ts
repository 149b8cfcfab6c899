// Every hook row of the spec's §6 HTTP table against real gateways: off by default, the separate hook
// token (Bearer or X-OpenClaw-Token), wake queued then coalesced, wake {} refused, an agent run that
// shows in sessions.list with the stand-in provider's reply in chat.history, the query-token refusal,
// an unknown hook path and the wrong method.
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";
import { agentsConfig, STANDIN_ENV } from "../agents/_setup.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";
import { bearer, HOOK_TOKEN, post, read } from "./_setup.ts";

let standIn: StandIn;
let plain: SpawnedGateway;
let gw: SpawnedGateway;
let op: TestSocket;

beforeAll(async () => {
  standIn = startStandIn();
  [plain, gw] = await Promise.all([
    spawnGateway(),
    spawnGateway({ config: { ...agentsConfig(standIn, false), hooks: { enabled: true, token: HOOK_TOKEN } }, env: STANDIN_ENV }),
  ]);
  op = await connectOperator(gw.url, gw.token);
});
afterAll(async () => {
  op?.close();
  await stopAllGateways();
  standIn?.stop();
});

describe("§6 hook rows", () => {
  test("/hooks/* with default config: 404 Not Found, whatever the method or token", async () => {
    for (const [method, path] of [["POST", "/hooks/wake"], ["POST", "/hooks/agent"], ["GET", "/hooks/wake"], ["POST", "/hooks"], ["PUT", "/hooks/nope"]] as const) {
      const res = await read(await fetch(`${plain.httpUrl}${path}`, { method, headers: bearer(), body: method === "GET" ? undefined : JSON.stringify({ text: "ping" }) }));
      expect([method, path, res.status, res.text]).toEqual([method, path, 404, "Not Found"]);
    }
  });

  test("enabled: no token, the gateway token, or a wrong token → 401 text/plain Unauthorized", async () => {
    const attempts: Array<Record<string, string>> = [{}, bearer(gw.token), { "x-openclaw-token": gw.token }, bearer("nope"), { authorization: "Basic abc" }];
    for (const headers of attempts) {
      const res = await read(await post(gw.httpUrl, "/hooks/wake", { text: "ping", mode: "now" }, headers));
      expect(res.status).toBe(401);
      expect(res.text).toBe("Unauthorized");
      expect(res.type).toStartWith("text/plain");
    }
    const status = await op.request("hooks.webhooks");
    expect(status.payload.pendingWakes).toEqual([]);
  });

  // mode "next-heartbeat": a "now" wake runs a heartbeat turn at once (tests/automations), which would take the event.
  test("POST /hooks/wake {text, mode:next-heartbeat}: queued, then coalesced (Bearer and x-openclaw-token both work)", async () => {
    const first = await read(await post(gw.httpUrl, "/hooks/wake", { text: "ping", mode: "next-heartbeat" }, bearer()));
    expect(first.status).toBe(200);
    expect(first.type).toBe("application/json; charset=utf-8");
    expect(first.text).toBe('{"ok":true,"mode":"next-heartbeat","eventOutcome":"queued"}');
    const second = await read(await post(gw.httpUrl, "/hooks/wake", { text: "ping", mode: "next-heartbeat" }, { "x-openclaw-token": HOOK_TOKEN }));
    expect(second.text).toBe('{"ok":true,"mode":"next-heartbeat","eventOutcome":"coalesced"}');
    // The queued wake is observable: one pending system event on the main session.
    const status = await op.request("hooks.webhooks");
    expect(status.ok).toBe(true);
    expect(status.payload.pendingWakes).toEqual([{ sessionKey: "agent:main:main", text: "ping", mode: "next-heartbeat", ts: expect.any(Number), source: "wake" }]);
  });

  test("hooks.status has the reference's shape: the agent's workspace, the managed hooks folder, and no internal hooks", async () => {
    const status = await op.request("hooks.status", {});
    expect(status.payload).toEqual({ workspaceDir: join(gw.stateDir, "workspace"), managedHooksDir: join(gw.stateDir, "hooks"), hooks: [] });
    expect((await op.request("hooks.status", { agentId: "nobody" })).error).toMatchObject({ code: "INVALID_REQUEST", details: { code: "UNKNOWN_AGENT_ID" } });
    expect((await op.request("hooks.status", { bogus: 1 })).error?.message).toBe("invalid hooks.status params: at root: unexpected property 'bogus'");
  });

  test("POST /hooks/wake {} → 400 text required", async () => {
    const res = await read(await post(gw.httpUrl, "/hooks/wake", {}, bearer()));
    expect(res.status).toBe(400);
    expect(res.text).toBe('{"ok":false,"error":"text required"}');
  });

  test("POST /hooks/agent {message, name} → 200 {ok, runId}; the run is in sessions.list with the provider's reply", async () => {
    const res = await read(await post(gw.httpUrl, "/hooks/agent", { message: "hello", name: "test" }, bearer()));
    expect(res.status).toBe(200);
    expect(Object.keys(res.json)).toEqual(["ok", "runId"]);
    expect(res.json.ok).toBe(true);
    const runId: string = res.json.runId;
    expect(runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);

    const waited = await op.request("agent.wait", { runId, timeoutMs: 10_000 });
    expect(waited.payload).toMatchObject({ runId, status: "ok" });
    const list = await op.request("sessions.list", {});
    const row = list.payload.sessions.find((s: any) => s.lastRunId === runId);
    expect(row).toMatchObject({ agentId: "main", channel: "hook", model: "alpha", hasActiveRun: false });
    expect(row.key).toMatch(/^agent:main:hook:[0-9a-f-]{36}$/);

    const history = await op.request("chat.history", { sessionKey: row.key });
    const messages = history.payload.messages.map((m: any) => [m.role, typeof m.content === "string" ? m.content : m.content[0]?.text]);
    expect(messages.length).toBe(2);
    const [user, assistant] = messages;
    expect(user[0]).toBe("user");
    // The hook message reaches the model wrapped as external content.
    expect(user[1]).toBe("<<<EXTERNAL_UNTRUSTED_CONTENT>>>\nSource: Webhook (test)\n---\nhello\n<<<END_EXTERNAL_UNTRUSTED_CONTENT>>>");
    expect(assistant).toEqual(["assistant", `echo(alpha): ${user[1]}`]);
    // This turn ran in its own hook session: the main session's queued wake is still pending.
    const status = await op.request("hooks.webhooks");
    expect(status.payload.pendingWakes.map((w: any) => w.text)).toEqual(["ping"]);
  });

  test("?token= query → 400 text/plain, even with a valid header", async () => {
    const expected = "Hook token must be provided via Authorization: Bearer <token> or X-OpenClaw-Token header (query parameters are not allowed).";
    for (const headers of [{}, bearer()]) {
      const res = await read(await post(gw.httpUrl, `/hooks/wake?token=${HOOK_TOKEN}`, { text: "ping" }, headers));
      expect(res.status).toBe(400);
      expect(res.type).toStartWith("text/plain");
      expect(res.text).toBe(expected);
    }
  });

  test("/hooks/nope → 404; GET /hooks/wake → 405 Allow: POST", async () => {
    const nope = await read(await post(gw.httpUrl, "/hooks/nope", { text: "ping" }, bearer()));
    expect([nope.status, nope.text]).toEqual([404, "Not Found"]);
    const base = await read(await post(gw.httpUrl, "/hooks", {}, bearer()));
    expect(base.status).toBe(404);
    const get = await read(await fetch(`${gw.httpUrl}/hooks/wake`, { headers: bearer() }));
    expect([get.status, get.allow, get.text]).toEqual([405, "POST", "Method Not Allowed"]);
  });
});
