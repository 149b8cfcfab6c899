// The canvas host on a real gateway: a run's write tool puts a document into the canvas root, a connected
// viewer (an EventSource-style SSE client) is told to reload, and the document is served with the sandbox
// headers and the live-reload client. Traversal and symlink escapes are refused; the separate canvas port
// serves the same answers and refuses WebSocket upgrades.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { deepMerge, freePort, spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type Frame, type TestSocket } from "../helpers/ws.ts";
import { agentsConfig, STANDIN_ENV } from "../agents/_setup.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";
import { openViewer, type Viewer } from "./viewer.ts";

let standIn: StandIn;
let gw: SpawnedGateway;
let op: TestSocket;
let canvasPort: number;
const viewers: Viewer[] = [];

beforeAll(async () => {
  standIn = startStandIn();
  const stateDir = mkdtempSync(join(tmpdir(), "openclaw-canvas-"));
  canvasPort = freePort();
  // The canvas root inside the default agent's workspace: what its write tool writes is what viewers see.
  const config = deepMerge(agentsConfig(standIn, false), {
    gateway: { canvasHost: { port: canvasPort } },
  });
  gw = await spawnGateway({ config, stateDir, env: STANDIN_ENV });
  await gw.waitForOutput("canvas host listening on port");
  op = await connectOperator(gw.url, gw.token, ["operator.admin"]);
});
afterAll(async () => {
  for (const viewer of viewers) viewer.close();
  op?.close();
  await stopAllGateways();
  standIn.stop();
});

const ended = (runId: string) => (f: Frame) => f.event === "agent" && f.payload?.runId === runId && f.payload.stream === "lifecycle" && f.payload.data?.phase !== "start";

async function runWrite(name: string, path: string, content: string): Promise<void> {
  standIn.script(name, [{ tools: [{ name: "write", args: { path, content } }] }, { text: "written" }]);
  const res = await op.request("agent", { message: `write ${name}`, sessionKey: name, model: `stand/script-${name}`, idempotencyKey: name });
  expect(res.ok).toBe(true);
  const end = await op.next(ended(name), 20_000);
  expect(end.payload.data.phase).toBe("end");
}

function expectSandboxed(response: Response): void {
  const csp = response.headers.get("content-security-policy") ?? "";
  expect(csp).toEndWith("; sandbox allow-scripts");
  // Never same-origin with the gateway: the document cannot reach the Control UI's storage or credentials.
  expect(csp).not.toContain("allow-same-origin");
  expect(csp).toContain("object-src 'none'");
  expect(response.headers.get("x-content-type-options")).toBe("nosniff");
  expect(response.headers.get("referrer-policy")).toBe("no-referrer");
  expect(response.headers.get("cache-control")).toBe("no-store");
}

test("a document written by a run is served sandboxed and reloads a connected viewer", async () => {
  const viewer = await openViewer(`${gw.httpUrl}/__openclaw__/canvas-live`);
  viewers.push(viewer);
  expect(viewer.response.headers.get("content-type")).toStartWith("text/event-stream");
  expectSandboxed(viewer.response);

  let mark = viewer.mark();
  await runWrite("canvas-v1", "canvas/index.html", "<!doctype html><html><body><h1>first</h1></body></html>");
  await viewer.reloadAfter(mark);
  const first = await fetch(`${gw.httpUrl}/__openclaw__/canvas/`);
  expect(first.status).toBe(200);
  expect(first.headers.get("content-type")).toBe("text/html; charset=utf-8");
  expectSandboxed(first);
  const html = await first.text();
  expect(html).toContain("<h1>first</h1>");
  expect(html).toContain('new EventSource(pre+"/__openclaw__/canvas-live")');
  // The document may connect to the live-reload stream and nothing else.
  expect(first.headers.get("content-security-policy")).toContain(`connect-src ${gw.httpUrl}/__openclaw__/canvas-live;`);

  // A second write is a second reload, and the viewer sees the new text.
  mark = viewer.mark();
  await runWrite("canvas-v2", "canvas/index.html", "<!doctype html><html><body><h1>second</h1></body></html>");
  await viewer.reloadAfter(mark);
  expect(await (await fetch(`${gw.httpUrl}/__openclaw__/canvas/index.html`)).text()).toContain("<h1>second</h1>");
});

test("assets beside the document keep their type and the sandbox; folders redirect to their slash", async () => {
  await runWrite("canvas-asset", "canvas/app/main.js", "document.body.dataset.ok = '1';");
  const js = await fetch(`${gw.httpUrl}/__openclaw__/canvas/app/main.js`);
  expect(js.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expectSandboxed(js);
  expect(js.headers.get("content-security-policy")).toContain("connect-src 'none';");
  expect(await js.text()).toBe("document.body.dataset.ok = '1';");
  const folder = await fetch(`${gw.httpUrl}/__openclaw__/canvas/app`, { redirect: "manual" });
  expect(folder.status).toBe(301);
  expect(folder.headers.get("location")).toBe("/__openclaw__/canvas/app/");
  const head = await fetch(`${gw.httpUrl}/__openclaw__/canvas/app/main.js`, { method: "HEAD" });
  expect(head.status).toBe(200);
  expect(head.headers.get("content-length")).toBe("31");
  expect((await fetch(`${gw.httpUrl}/__openclaw__/canvas/app/main.js`, { method: "POST", body: "x" })).status).toBe(405);
});

test("traversal, encoded separators and a symlink out of the root are refused; the config never leaks", async () => {
  const root = join(gw.stateDir, "workspace", "canvas");
  mkdirSync(root, { recursive: true });
  symlinkSync(gw.configPath, join(root, "leak.json"));
  writeFileSync(join(gw.stateDir, "outside.html"), "secret-outside");
  for (const path of ["leak.json", "..%2fopenclaw.json", "%2e%2e%2foutside.html", "..%5coutside.html", "a%00b"]) {
    const response = await fetch(`${gw.httpUrl}/__openclaw__/canvas/${path}`);
    expect([400, 404]).toContain(response.status);
    const body = await response.text();
    expect(body).not.toContain(gw.token);
    expect(body).not.toContain("secret-outside");
  }
  // Raw `..` is normalised by the URL parser before routing: it leaves the canvas and nobody serves it.
  const raw = await fetch(`${gw.httpUrl}/__openclaw__/canvas/../../outside.html`);
  expect(raw.status).toBe(404);
  expect(await raw.text()).not.toContain("secret-outside");
});

test("A2UI without renderer assets answers 503 like the reference; a missing document says what to write", async () => {
  const a2ui = await fetch(`${gw.httpUrl}/__openclaw__/a2ui/a2ui.bundle.js`);
  expect(a2ui.status).toBe(503);
  expectSandboxed(a2ui);
  const missing = await fetch(`${gw.httpUrl}/__openclaw__/canvas/nothing/`);
  expect(missing.status).toBe(404);
  expect(await missing.text()).toContain("index.html");
});

test("the separate canvas port serves the same document and refuses the gateway protocol", async () => {
  const response = await fetch(`http://127.0.0.1:${canvasPort}/__openclaw__/canvas/`);
  expect(response.status).toBe(200);
  expectSandboxed(response);
  expect(await response.text()).toContain("<h1>second</h1>");
  expect((await fetch(`http://127.0.0.1:${canvasPort}/health`)).status).toBe(404);
  const root = await fetch(`http://127.0.0.1:${canvasPort}/`, { redirect: "manual" });
  expect([root.status, root.headers.get("location")]).toEqual([302, "/__openclaw__/canvas/"]);
  const upgrade = await fetch(`http://127.0.0.1:${canvasPort}/`, { headers: { Upgrade: "websocket", Connection: "Upgrade" } });
  expect(upgrade.status).toBe(426);
});

test("the plugin switch is hot: enabled false → viewers are let go and the paths are nobody's (404), true → served again", async () => {
  const viewer = await openViewer(`${gw.httpUrl}/__openclaw__/canvas-live`);
  viewers.push(viewer);
  const set = async (enabled: boolean) => {
    const current = await op.request("config.get", {});
    const raw = JSON.stringify({ plugins: { entries: { canvas: { config: { host: { enabled } } } } } });
    const res = await op.request("config.patch", { raw, baseHash: current.payload.hash });
    expect(res.ok).toBe(true);
    expect(res.payload.restartRequired).toBe(false);
  };
  await set(false);
  await viewer.ended;
  for (const path of ["/__openclaw__/canvas/", "/__openclaw__/canvas-live", "/__openclaw__/a2ui/x.js"]) {
    const response = await fetch(`${gw.httpUrl}${path}`);
    expect(response.status).toBe(404);
    expect(await response.text()).toBe("Not Found");
  }
  await set(true);
  expect(await (await fetch(`${gw.httpUrl}/__openclaw__/canvas/`)).text()).toContain("<h1>second</h1>");
});

test("a loopback request that came through a proxy (X-Forwarded-For, Forwarded) needs the gateway secret", async () => {
  const proxied: Record<string, string>[] = [{ "X-Forwarded-For": "203.0.113.9" }, { Forwarded: "for=203.0.113.9" }, { "X-Real-IP": "203.0.113.9" }];
  for (const headers of proxied) {
    const refused = await fetch(`${gw.httpUrl}/__openclaw__/canvas/`, { headers });
    expect(refused.status).toBe(401);
    expect(await refused.json()).toEqual({ error: { message: "Unauthorized", type: "unauthorized" } });
    const allowed = await fetch(`${gw.httpUrl}/__openclaw__/canvas/`, { headers: { ...headers, Authorization: `Bearer ${gw.token}` } });
    expect(allowed.status).toBe(200);
  }
});
