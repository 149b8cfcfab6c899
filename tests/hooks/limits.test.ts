// A custom hooks.path, the auth throttle shared with the gateway (gateway.auth.rateLimit locks the client
// out of hooks and of WS alike), and an agent hook on a gateway with no model provider.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams, handshake } from "../helpers/ws.ts";
import { bearer, HOOK_TOKEN, post, read } from "./_setup.ts";

let gw: SpawnedGateway;

beforeAll(async () => {
  gw = await spawnGateway({
    config: {
      gateway: { auth: { rateLimit: { maxAttempts: 3, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: false } } },
      hooks: { enabled: true, token: HOOK_TOKEN, path: "ingest/" },
    },
  });
});
afterAll(async () => {
  await stopAllGateways();
});

test("hooks.path moves the endpoints; /hooks is then nobody's", async () => {
  expect(await read(await post(gw.httpUrl, "/ingest/wake", { text: "ping" }, bearer()))).toMatchObject({ status: 200, json: { ok: true, mode: "now", eventOutcome: "queued" } });
  expect(await read(await post(gw.httpUrl, "/hooks/wake", { text: "ping" }, bearer()))).toMatchObject({ status: 404, text: "Not Found" });
});

test("without a model provider an agent hook is refused before admission (502)", async () => {
  const res = await read(await post(gw.httpUrl, "/ingest/agent", { message: "hello", name: "test" }, bearer()));
  expect(res.status).toBe(502);
  expect(res.json.ok).toBe(false);
  expect(res.json.error).toStartWith("No model provider is configured");
});

test("failed hook logins count toward gateway.auth.rateLimit: 429 + Retry-After, and WS connects are refused too", async () => {
  for (let i = 0; i < 3; i++) expect((await read(await post(gw.httpUrl, "/ingest/wake", { text: "x" }, bearer(`bad-${i}`)))).status).toBe(401);
  const locked = await read(await post(gw.httpUrl, "/ingest/wake", { text: "x" }, { "x-openclaw-token": "bad-again" }));
  expect(locked).toMatchObject({ status: 429, text: "Too Many Requests" });
  expect(Number(locked.retryAfter)).toBeGreaterThan(1);
  // The same client now fails the WS handshake even with the right gateway token (one shared throttle).
  const { socket, hello } = await handshake(gw.url, connectParams({ auth: { token: gw.token } }));
  socket.close();
  expect(hello.ok).toBe(false);
  expect(hello.error?.details?.code).toBe("AUTH_RATE_LIMITED");
  // The hook token itself still gets in.
  expect(await read(await post(gw.httpUrl, "/ingest/wake", { text: "valid" }, bearer()))).toMatchObject({ status: 200 });
});
