// The Control UI's socket rules: a foreign Origin is refused (field lessons: CVE-2026-25253), and the page's
// own client gets the scopes it asks for only as a browser on a direct loopback connection with the token.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams, handshake } from "../helpers/ws.ts";

let gw: SpawnedGateway;

beforeAll(async () => {
  gw = await spawnGateway({ config: { gateway: { controlUi: { allowedOrigins: ["http://ui.example"] } } } });
});
afterAll(stopAllGateways);

function uiParams(token: string, scopes: string[] = ["operator.read"]) {
  return connectParams({
    client: { id: "openclaw-control-ui", version: "0.1.0", platform: "web", mode: "ui", instanceId: crypto.randomUUID() },
    auth: { token },
    scopes,
  });
}

describe("Control UI socket", () => {
  test("a WebSocket upgrade with Origin http://evil.example is refused with CONTROL_UI_ORIGIN_NOT_ALLOWED and close 1008", async () => {
    const { socket, hello } = await handshake(gw.url, uiParams(gw.token), { Origin: "http://evil.example" });
    expect(hello.ok).toBe(false);
    expect(hello.error?.code).toBe("INVALID_REQUEST");
    expect(hello.error?.details?.code).toBe("CONTROL_UI_ORIGIN_NOT_ALLOWED");
    const closed = await socket.closed;
    expect(closed.code).toBe(1008);
    expect(closed.reason).toStartWith("origin not allowed");
  });

  test("the page's own origin with the token gets the requested scopes (read for the live view, admin for a save)", async () => {
    for (const scopes of [["operator.read"], ["operator.admin"]]) {
      const { socket, hello } = await handshake(gw.url, uiParams(gw.token, scopes), { Origin: gw.httpUrl });
      expect(hello.ok).toBe(true);
      expect(hello.payload.auth.scopes).toEqual(scopes);
      const config = await socket.request("config.get", {});
      expect(config.ok).toBe(true);
      // Read-only connections see secrets redacted; only the admin one sees the token.
      expect(JSON.stringify(config.payload.config).includes(gw.token)).toBe(scopes.includes("operator.admin"));
      socket.close();
    }
  });

  test("an origin listed in gateway.controlUi.allowedOrigins is accepted", async () => {
    const { socket, hello } = await handshake(gw.url, uiParams(gw.token), { Origin: "http://ui.example" });
    expect(hello.ok).toBe(true);
    expect(hello.payload.auth.scopes).toEqual(["operator.read"]);
    socket.close();
  });

  test("the right origin with a wrong token is refused", async () => {
    const { socket, hello } = await handshake(gw.url, uiParams("wrong-token"), { Origin: gw.httpUrl });
    expect(hello.ok).toBe(false);
    expect(hello.error?.details?.code).toBe("AUTH_TOKEN_MISMATCH");
    await socket.closed;
  });

  test("claiming the UI's client id without an Origin (not a browser) or through a proxy grants no scopes", async () => {
    for (const headers of [{}, { Origin: gw.httpUrl, "X-Forwarded-For": "203.0.113.9" }] as Record<string, string>[]) {
      const { socket, hello } = await handshake(gw.url, uiParams(gw.token, ["operator.admin"]), headers);
      expect(hello.ok).toBe(true);
      expect(hello.payload.auth.scopes).toEqual([]);
      const config = await socket.request("config.get", {});
      expect(config.ok).toBe(false);
      socket.close();
    }
  });
});
