// After hello: frame errors, authorization, idempotency and the method payloads (spec §3).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";

let gw: SpawnedGateway;
let admin: TestSocket;
let reader: TestSocket;
let nobody: TestSocket;

beforeAll(async () => {
  gw = await spawnGateway();
  [admin, reader, nobody] = await Promise.all([
    connectOperator(gw.url, gw.token, ["operator.admin"]),
    connectOperator(gw.url, gw.token, ["operator.read"]),
    connectOperator(gw.url, gw.token, []),
  ]);
});
afterAll(async () => {
  for (const s of [admin, reader, nobody]) s?.close();
  await stopAllGateways();
});

describe("frame errors after hello (spec §3.1)", () => {
  test("malformed JSON is ignored and the connection stays", async () => {
    reader.sendRaw("{not json");
    expect((await reader.request("health")).ok).toBe(true);
  });

  test("no id → response with id 'invalid'", async () => {
    reader.send({ type: "req", method: "health" });
    const res = await reader.next((f) => f.type === "res" && f.id === "invalid");
    expect(res.error).toEqual({ code: "INVALID_REQUEST", message: "invalid request frame: must have required property 'id'" });
  });

  test("wrong type and no method → both problems, in the reference's order", async () => {
    reader.send({ type: "foo", id: "f1" });
    const res = await reader.response("f1");
    expect(res.error!.message).toBe("invalid request frame: must have required property 'method'; at /type: must be equal to constant");
  });

  test("numeric id is echoed as a number", async () => {
    reader.send({ type: "req", id: 5, method: "health" });
    const res = await reader.next((f) => f.type === "res" && f.id === 5);
    expect(res.error!.message).toBe("invalid request frame: at /id: must be string");
  });

  test("two requests with the same id are both answered", async () => {
    reader.send({ type: "req", id: "dup", method: "health" });
    reader.send({ type: "req", id: "dup", method: "health" });
    await reader.next((f) => f.id === "dup");
    await reader.next((f) => f.id === "dup" && reader.frames.filter((x) => x.id === "dup").length >= 2);
    expect(reader.frames.filter((x) => x.id === "dup").length).toBe(2);
  });

  test("health accepts params [] ", async () => {
    expect((await reader.request("health", [])).ok).toBe(true);
  });
});

describe("authorization (spec §3.2)", () => {
  test("missing scope frame", async () => {
    const res = await nobody.request("status", {});
    expect(res.error).toEqual({
      code: "FORBIDDEN",
      message: "missing scope: operator.read",
      details: { code: "MISSING_SCOPE", missingScope: "operator.read", requiredScopes: ["operator.read"] },
    });
  });

  test("health is exempt from scopes", async () => {
    expect((await nobody.request("health")).ok).toBe(true);
  });

  test("unknown method: FORBIDDEN for non-admin, unknown method for admin", async () => {
    expect((await reader.request("no.such.method", {})).error!.message).toBe("missing scope: operator.admin");
    expect((await admin.request("no.such.method", {})).error).toEqual({ code: "INVALID_REQUEST", message: "unknown method: no.such.method" });
  });

  test("a second connect: admin → only valid as first; others → missing admin", async () => {
    expect((await admin.request("connect", {})).error!.message).toBe("connect is only valid as the first request");
    expect((await reader.request("connect", {})).error!.message).toBe("missing scope: operator.admin");
  });

  test("config.set needs admin", async () => {
    expect((await reader.request("config.set", { path: "logging.level", value: "debug" })).error!.code).toBe("FORBIDDEN");
  });
});

describe("method payloads (spec §3.3)", () => {
  test("health: cached snapshot with real values", async () => {
    const a = await reader.request("health");
    const b = await reader.request("health");
    expect(a.payload).toMatchObject({ ok: true, channels: {}, defaultAgentId: "main", sessions: { count: 0 } });
    expect(typeof a.payload.ts).toBe("number");
    expect(typeof a.payload.durationMs).toBe("number");
    expect(a.payload.eventLoop).toMatchObject({ degraded: false, intervalMs: expect.any(Number), cpuBreakdown: expect.any(Object) });
    expect(b.payload.ts).toBe(a.payload.ts);
  });

  test("health agents[].heartbeat carries every field the reference's schema requires (prompt, ackMaxChars)", async () => {
    const { payload } = await reader.request("health");
    expect(payload.agents[0].heartbeat).toEqual({
      enabled: false,
      every: "disabled",
      everyMs: null,
      prompt: expect.stringContaining("If nothing needs attention, reply NO_REPLY."),
      target: "owner",
      ackMaxChars: 300,
    });
  });

  test("health {probe:true} refreshes and the health event arrives before the response", async () => {
    const before = reader.frames.length;
    const res = await reader.request("health", { probe: true });
    const later = reader.frames.slice(before);
    const eventIndex = later.findIndex((f) => f.event === "health");
    const resIndex = later.indexOf(res);
    expect(eventIndex).toBeGreaterThanOrEqual(0);
    expect(eventIndex).toBeLessThan(resIndex);
    expect(later[eventIndex]!.payload.modelRuntime).toBeUndefined();
    expect(later[eventIndex]!.stateVersion!.health).toBeGreaterThan(1);
  });

  test("status: runtime facts", async () => {
    const res = await reader.request("status", {});
    expect(res.payload).toMatchObject({ runtimeVersion: expect.any(String), pid: gw.pid, channelSummary: [], tasks: { total: 0 } });
    expect(res.payload.processMemory.rssBytes).toBeGreaterThan(1_000_000);
  });

  test("system-presence: the gateway itself", async () => {
    const res = await reader.request("system-presence", {});
    expect(res.payload[0]).toMatchObject({ mode: "gateway", reason: "self", text: expect.stringContaining("Gateway: ") });
  });

  test("config.get: redacted for read scope, plain for admin", async () => {
    const read = await reader.request("config.get", {});
    expect(read.payload).toMatchObject({ path: gw.configPath, exists: true, valid: true, issues: [] });
    expect(JSON.stringify(read.payload)).not.toContain(gw.token);
    const full = await admin.request("config.get", {});
    expect(full.payload.parsed.gateway.auth.token).toBe(gw.token);
    expect(full.payload.hash).toMatch(/^[0-9a-f]{64}$/);
  });

  test("logs.tail: closed params and the documented result", async () => {
    const bad = await reader.request("logs.tail", { sinceMs: 60000 });
    expect(bad.error).toEqual({ code: "INVALID_REQUEST", message: "invalid logs.tail params: at root: unexpected property 'sinceMs'" });
    const res = await reader.request("logs.tail", { limit: 50 });
    const { file, cursor, size, lines } = res.payload;
    expect(file).toBe(gw.logFile);
    expect(cursor).toBeGreaterThan(0);
    expect(size).toBeGreaterThanOrEqual(cursor);
    expect(lines.length).toBeGreaterThan(0);
    const record = JSON.parse(lines[0]);
    expect(record).toMatchObject({ time: expect.any(String), level: expect.any(String), message: expect.any(String) });
  });

  test("last-heartbeat and config.schema answer", async () => {
    // Before any heartbeat the reference answers null (observed live).
    expect((await reader.request("last-heartbeat", {})).payload).toBeNull();
    expect((await reader.request("config.schema", {})).payload.schema).toBeDefined();
  });

  test("config.patch: stale baseHash refused, fresh one applied; idempotency key replays the first result", async () => {
    const stale = await admin.request("config.patch", { raw: '{logging:{level:"debug"}}', baseHash: "0".repeat(64) });
    expect(stale.ok).toBe(false);
    expect(stale.error!.details.code).toBe("CONFIG_BASE_HASH_MISMATCH");
    const { payload } = await admin.request("config.get", {});
    const params = { raw: '{logging:{level:"debug"}}', baseHash: payload.hash, idempotencyKey: "k-1" };
    const first = await admin.request("config.patch", params);
    expect(first.ok).toBe(true);
    expect(first.payload.restartRequired).toBe(false);
    const again = await admin.request("config.patch", params);
    expect(again.payload).toEqual(first.payload);
    const text = await Bun.file(gw.configPath).text();
    expect(text).toContain("debug");
  });
});

describe("HTTP on the same port (spec §6)", () => {
  test("GET/HEAD /health and /healthz", async () => {
    for (const path of ["/health", "/healthz"]) {
      const res = await fetch(gw.httpUrl + path);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ ok: true, status: "live" });
      expect(res.headers.get("cache-control")).toBe("no-store");
      expect(res.headers.get("x-content-type-options")).toBe("nosniff");
      expect(res.headers.get("referrer-policy")).toBe("no-referrer");
      expect(res.headers.get("content-type")).toBe("application/json; charset=utf-8");
      expect((await fetch(gw.httpUrl + path, { method: "HEAD" })).status).toBe(200);
    }
  });

  test("POST /health → 405 with Allow", async () => {
    const res = await fetch(gw.httpUrl + "/health", { method: "POST" });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET, HEAD");
    expect(await res.text()).toBe("Method Not Allowed");
  });

  test("/readyz, /ready and /startupz when ready", async () => {
    const ready = await fetch(gw.httpUrl + "/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, failing: [], uptimeMs: expect.any(Number), eventLoop: expect.any(Object) });
    expect((await fetch(gw.httpUrl + "/ready")).status).toBe(200);
    const startup = await fetch(gw.httpUrl + "/startupz");
    expect(await startup.json()).toMatchObject({ ok: true, status: "started", version: expect.any(String) });
  });

  test("unknown paths → 404 Not Found", async () => {
    for (const [method, path] of [["GET", "/api/nope"], ["PUT", "/"], ["POST", "/v1/chat/completions"], ["GET", "/v1/models"]] as const) {
      const res = await fetch(gw.httpUrl + path, { method });
      expect(res.status).toBe(404);
      expect(await res.text()).toBe("Not Found");
    }
  });
});
