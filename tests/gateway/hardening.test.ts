// Issue 15 §1 and §2.1, each reproduced from outside testing: what a connection may hold before hello, one failed-auth
// limiter for WS, HTTP and hooks, deeply nested JSON, chunked bodies past the cap, and a refused reload that applies
// nothing. Every assertion is a count, a code or a byte bound, never a time.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams, handshake, openSocket } from "../helpers/ws.ts";

afterAll(stopAllGateways);

const HOOK_TOKEN = `hook-${crypto.randomUUID()}`;
const nested = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

describe("before hello: bounded, never buffered", () => {
  let gw: SpawnedGateway;
  beforeAll(async () => {
    gw = await spawnGateway();
  });

  test("frames pipelined behind a connect that waits out its back-off are bounded by count: close 1008", async () => {
    const socket = openSocket(gw.url);
    await socket.next((f) => f.event === "connect.challenge");
    // A wrong token is answered late (back-off); everything sent meanwhile waits in the connection's queue.
    socket.send({ type: "req", id: "c1", method: "connect", params: connectParams({ auth: { token: "wrong" } }) });
    for (let i = 0; i < 40; i++) socket.send({ type: "req", id: `h${i}`, method: "health" });
    const closed = await socket.closed;
    expect(closed).toEqual({ code: 1008, reason: "too many frames before hello" });
    // The flood got no answers: nothing it sent was processed.
    expect(socket.frames.filter((f) => f.type === "res" && String(f.id).startsWith("h"))).toEqual([]);
  });

  test("and by bytes: a few large frames close 1009", async () => {
    const socket = openSocket(gw.url);
    await socket.next((f) => f.event === "connect.challenge");
    socket.send({ type: "req", id: "c1", method: "connect", params: connectParams({ auth: { token: "wrong" } }) });
    const big = JSON.stringify({ type: "req", id: "b", method: "health", params: { pad: "x".repeat(30_000) } });
    for (let i = 0; i < 4; i++) socket.sendRaw(big);
    expect(await socket.closed).toEqual({ code: 1009, reason: "too much data before hello" });
  });

  test("a connect with frames pipelined within the bounds is still answered after hello (spec §3.1)", async () => {
    const socket = openSocket(gw.url);
    await socket.next((f) => f.event === "connect.challenge");
    socket.send({ type: "req", id: "c1", method: "connect", params: connectParams({ auth: { token: gw.token } }) });
    for (let i = 0; i < 5; i++) socket.send({ type: "req", id: `p${i}`, method: "health" });
    for (let i = 0; i < 5; i++) expect((await socket.response(`p${i}`)).ok).toBe(true);
    socket.close();
  });

  test("a deeply nested frame before hello is refused before parsing: close 1008", async () => {
    const socket = openSocket(gw.url);
    await socket.next((f) => f.event === "connect.challenge");
    socket.sendRaw(nested(30_000));
    expect(await socket.closed).toEqual({ code: 1008, reason: "frame nested too deeply" });
  });

  test("after hello a deeply nested frame is ignored like malformed JSON; the connection keeps answering", async () => {
    const socket = await connectOperator(gw.url, gw.token, ["operator.read"]);
    socket.sendRaw(`{"type":"req","id":"deep","method":"health","params":${nested(20_000)}}`);
    expect((await socket.request("health")).ok).toBe(true);
    expect(socket.frames.some((f) => f.id === "deep")).toBe(false);
    socket.close();
  });

  test("more than 256 requests in flight on one connection: the excess is answered UNAVAILABLE at once", async () => {
    const socket = await connectOperator(gw.url, gw.token, ["operator.read"]);
    // logs.tail reads a file, so requests overlap; fire 600 without waiting.
    for (let i = 0; i < 600; i++) socket.send({ type: "req", id: `q${i}`, method: "logs.tail", params: { limit: 1 } });
    const answers = await Promise.all(Array.from({ length: 600 }, (_, i) => socket.response(`q${i}`, 20_000)));
    const busy = answers.filter((f) => !f.ok);
    // Before the bound every one of the 600 was taken on; now the excess is turned away at once.
    expect(busy.length).toBeGreaterThan(0);
    for (const f of busy) expect(f.error).toMatchObject({ code: "UNAVAILABLE", retryable: true });
    expect(answers.filter((f) => f.ok).length).toBeGreaterThanOrEqual(256);
    expect((await socket.request("health")).ok).toBe(true);
    socket.close();
  });
});

describe("the failed-auth limiter is on by default (the reference's 10 failures / 60 s)", () => {
  test("10 wrong bearer tokens lock the address: then 429 with Retry-After, even for the right token", async () => {
    // Only the loopback exemption is lifted; the limits are the defaults.
    const gw = await spawnGateway({ config: { gateway: { auth: { rateLimit: { exemptLoopback: false } } } } });
    const tools = (token: string) =>
      fetch(`${gw.httpUrl}/tools/invoke`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });
    const statuses = await Promise.all(Array.from({ length: 10 }, (_, i) => tools(`wrong-${i}`).then((r) => r.status)));
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    const locked = await tools(gw.token);
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get("retry-after"))).toBeGreaterThan(200);
  }, 20_000); // the ten 401s are held back like failed WS connects (up to 5 s each, in parallel)
});

describe("one failed-auth limiter per address: WS connect, bearer HTTP routes and hooks", () => {
  let gw: SpawnedGateway;
  beforeAll(async () => {
    gw = await spawnGateway({
      config: {
        gateway: {
          auth: { rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 120_000, exemptLoopback: false } },
          http: { endpoints: { chatCompletions: { enabled: true } } },
        },
        hooks: { enabled: true, token: HOOK_TOKEN },
      },
    });
  });

  const tools = (token: string) =>
    fetch(`${gw.httpUrl}/tools/invoke`, { method: "POST", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: "{}" });

  test("wrong tokens over HTTP and WS add up; once locked every surface answers 429 / AUTH_RATE_LIMITED, the right token too", async () => {
    // A missing credential is no guess: it never counts.
    for (let i = 0; i < 5; i++) expect((await fetch(`${gw.httpUrl}/v1/models`)).status).toBe(401);
    expect((await tools("wrong-1")).status).toBe(401);
    const ws = await handshake(gw.url, connectParams({ auth: { token: "wrong-2" } }));
    expect(ws.hello.error?.details?.code).toBe("AUTH_TOKEN_MISMATCH");
    // Third failure (a hook token guess) reaches the limit of 3.
    const hook = await fetch(`${gw.httpUrl}/hooks/wake`, { method: "POST", headers: { authorization: "Bearer wrong-3" }, body: "{}" });
    expect(hook.status).toBe(401);

    for (const response of [await tools(gw.token), await fetch(`${gw.httpUrl}/v1/models`, { headers: { authorization: `Bearer ${gw.token}` } })]) {
      expect(response.status).toBe(429);
      expect(Number(response.headers.get("retry-after"))).toBeGreaterThan(0);
    }
    const locked = await handshake(gw.url, connectParams({ auth: { token: gw.token } }));
    expect(locked.hello.error).toMatchObject({ code: "INVALID_REQUEST", retryable: true, details: { code: "AUTH_RATE_LIMITED" } });
  });
});

describe("HTTP bodies", () => {
  let gw: SpawnedGateway;
  beforeAll(async () => {
    gw = await spawnGateway({ config: { gateway: { http: { endpoints: { chatCompletions: { enabled: true } } } }, hooks: { enabled: true, token: HOOK_TOKEN } } });
  });

  test("a chunked body past the 2 MB cap of /tools/invoke is cut off while streaming: 413, and the rest is never read", async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    let pulled = 0;
    const total = 100 * 1024 * 1024;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await fetch(`${gw.httpUrl}/tools/invoke`, {
      method: "POST",
      headers: { authorization: `Bearer ${gw.token}`, "content-type": "application/json" },
      body,
      // Bun streams a request body with duplex "half" (fetch spec)
      duplex: "half",
    });
    expect(response.status).toBe(413);
    // The server stopped at the cap; what was pulled is the cap plus socket buffers, far from the 100 MB offered.
    expect(pulled).toBeLessThan(20 * 1024 * 1024);
  });

  test("deeply nested JSON bodies are refused before parsing on /v1 and hooks (400)", async () => {
    const body = `{"model":"openclaw","messages":${nested(20_000)}}`;
    const v1 = await fetch(`${gw.httpUrl}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${gw.token}`, "content-type": "application/json" }, body });
    expect(v1.status).toBe(400);
    expect(((await v1.json()) as { error: { message: string } }).error.message).toBe("JSON nested too deeply");
    const hook = await fetch(`${gw.httpUrl}/hooks/wake`, { method: "POST", headers: { authorization: `Bearer ${HOOK_TOKEN}`, "content-type": "application/json" }, body: `{"text":${nested(20_000)}}` });
    expect(hook.status).toBe(400);
  });
});

describe("a refused config applies nothing (§2.1)", () => {
  test("removing gateway.mode and turning hooks off in one edit: refused whole, hooks keep serving, logged once", async () => {
    const gw = await spawnGateway({ config: { hooks: { enabled: true, token: HOOK_TOKEN } } });
    const wake = () => fetch(`${gw.httpUrl}/hooks/wake`, { method: "POST", headers: { authorization: `Bearer ${HOOK_TOKEN}`, "content-type": "application/json" }, body: JSON.stringify({ text: "ping" }) });
    expect((await wake()).status).toBe(200);
    const config = JSON.parse(readFileSync(gw.configPath, "utf8"));
    delete config.gateway.mode;
    config.hooks.enabled = false;
    writeFileSync(gw.configPath, JSON.stringify(config, null, 2));
    await gw.waitForOutput("config change refused");
    expect((await wake()).status).toBe(200);
    const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    const current = await admin.request("config.get", {});
    expect(current.payload.config.hooks.enabled).toBe(true);
    expect(current.payload.config.gateway.mode).toBe("local");
    admin.close();
  });
});
