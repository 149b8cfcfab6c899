// Capability URLs for node WebViews (they send no auth headers): a node declaring the canvas cap gets
// hello-ok.pluginSurfaceUrls.canvas; below it documents, assets and the live-reload stream are served without
// the gateway secret, while a request that needs the secret (it came through a proxy) is refused without it.
// node.pluginSurface.refresh replaces the token; a disconnect revokes it.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams, handshake, type TestSocket } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice } from "../devices/_device.ts";
import { openViewer } from "./viewer.ts";

let gw: SpawnedGateway;
let op: TestSocket;
/** Marks every request as proxied: without a capability it then needs the gateway secret. */
const PROXIED = { "X-Forwarded-For": "203.0.113.7" };

beforeAll(async () => {
  gw = await spawnGateway();
  op = await connectOperator(gw.url, gw.token, ["operator.admin"]);
  mkdirSync(join(gw.stateDir, "workspace", "canvas"), { recursive: true });
  writeFileSync(join(gw.stateDir, "workspace", "canvas", "index.html"), "<body><p>panel</p></body>");
});
afterAll(async () => {
  op?.close();
  await stopAllGateways();
});

async function connectCanvasNode(): Promise<{ socket: TestSocket; id: string; url: string | undefined }> {
  const device = makeDevice();
  const client = { id: "node-host", version: "2026.9.6", platform: "macos", mode: "node", displayName: "panel", instanceId: "p1" };
  const params = connectParams({ client, role: "node", scopes: [], caps: ["canvas"], commands: ["canvas.present"], auth: { token: gw.token } });
  const { socket, hello } = await deviceHandshake(gw.url, params, device);
  expect(hello.ok).toBe(true);
  return { socket, id: device.id, url: hello.payload.pluginSurfaceUrls?.canvas };
}

test("a canvas node's capability URL serves documents and live reload without the secret; others stay refused", async () => {
  const node = await connectCanvasNode();
  expect(node.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${gw.port}/__openclaw__/cap/[A-Za-z0-9_-]{24}$`));
  const cap = node.url!;
  const doc = await fetch(`${cap}/__openclaw__/canvas/`, { headers: PROXIED });
  expect(doc.status).toBe(200);
  expect(await doc.text()).toContain("<p>panel</p>");
  // The page's one allowed connection is the live stream below the same capability.
  expect(doc.headers.get("content-security-policy")).toContain(`connect-src ${cap}/__openclaw__/canvas-live;`);
  expect((await fetch(`${gw.httpUrl}/__openclaw__/canvas/`, { headers: PROXIED })).status).toBe(401);
  expect((await fetch(`${gw.httpUrl}/__openclaw__/cap/${"A".repeat(24)}/__openclaw__/canvas/`)).status).toBe(401);
  const bare = await fetch(cap, { redirect: "manual" });
  expect(bare.status).toBe(301);
  expect(bare.headers.get("location")).toBe(`${new URL(cap).pathname}/__openclaw__/canvas/`);

  const viewer = await openViewer(`${cap}/__openclaw__/canvas-live`, PROXIED);
  const mark = viewer.mark();
  writeFileSync(join(gw.stateDir, "workspace", "canvas", "index.html"), "<body><p>panel 2</p></body>");
  await viewer.reloadAfter(mark);
  viewer.close();

  // An operator connection gets no capability.
  const operator = await handshake(gw.url, connectParams({ auth: { token: gw.token }, scopes: ["operator.read"] }));
  expect(operator.hello.ok).toBe(true);
  expect(operator.hello.payload.pluginSurfaceUrls).toBeUndefined();
  operator.socket.close();
  node.socket.close();
});

test("node.pluginSurface.refresh replaces the token; a disconnect revokes it", async () => {
  const node = await connectCanvasNode();
  const first = node.url!;
  const refreshed = await node.socket.request("node.pluginSurface.refresh", { surface: "canvas" });
  expect(refreshed.ok).toBe(true);
  expect(refreshed.payload.surface).toBe("canvas");
  expect(refreshed.payload.expiresAtMs).toBeGreaterThan(Date.now());
  const second = refreshed.payload.pluginSurfaceUrls.canvas as string;
  expect(second).not.toBe(first);
  expect((await fetch(`${first}/__openclaw__/canvas/`, { headers: PROXIED })).status).toBe(401);
  expect((await fetch(`${second}/__openclaw__/canvas/`, { headers: PROXIED })).status).toBe(200);

  expect((await node.socket.request("node.pluginSurface.refresh", {})).error).toMatchObject({ code: "INVALID_REQUEST", message: "surface required" });
  expect((await node.socket.request("node.pluginSurface.refresh", { surface: "browser" })).error).toMatchObject({ code: "UNAVAILABLE", message: "browser plugin surface unavailable" });

  node.socket.close();
  // node.list shows it offline once the server handled the close; the capability went in the same step.
  for (;;) {
    const list = await op.request("node.list", {});
    if (!list.payload.nodes.find((n: any) => n.nodeId === node.id)?.connected) break;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect((await fetch(`${second}/__openclaw__/canvas/`, { headers: PROXIED })).status).toBe(401);
});
