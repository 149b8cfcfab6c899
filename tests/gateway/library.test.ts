// The library API: startGateway(opts) returns a handle tests drive without argv. Also the one §2.7 row a spawned
// process cannot show: a connect while the gateway is still starting (or draining) is told to retry.
import { afterAll, beforeAll, expect, test } from "bun:test";
import type { GatewayHandle } from "../../src/server/gateway.ts";
import { startInProcessGateway, stopInProcessGateways } from "../helpers/in-process.ts";
import { connectParams, handshake } from "../helpers/ws.ts";

let gw: GatewayHandle;
let token: string;

beforeAll(async () => {
  ({ gw, token } = await startInProcessGateway());
});
afterAll(stopInProcessGateways);

test("the handle reports where it listens and answers", async () => {
  expect(gw.urls[0]).toBe(`ws://127.0.0.1:${gw.port}`);
  const { socket, hello } = await handshake(gw.urls[0]!, connectParams({ auth: { token } }));
  expect(hello.payload.server.version).toBe("0.0.0-test");
  socket.close();
});

test("connect during start-up → UNAVAILABLE retryable, close 1013 gateway starting", async () => {
  gw.core.phase = "starting";
  try {
    const { socket, hello } = await handshake(gw.urls[0]!, connectParams({ auth: { token } }));
    expect(hello.error).toEqual({
      code: "UNAVAILABLE",
      message: "gateway starting; retry shortly",
      retryable: true,
      retryAfterMs: 500,
      details: { reason: "startup-sidecars" },
    });
    expect(await socket.closed).toEqual({ code: 1013, reason: "gateway starting" });
    const ready = await fetch(`http://127.0.0.1:${gw.port}/readyz`);
    expect(ready.status).toBe(503);
    expect((await fetch(`http://127.0.0.1:${gw.port}/startupz`)).status).toBe(503);
  } finally {
    gw.core.phase = "ready";
  }
  expect((await fetch(`http://127.0.0.1:${gw.port}/readyz`)).status).toBe(200);
});
