// The canvas host in the compiled binary (its modules load lazily through the bundle): a document written into
// the canvas root is served sandboxed, a viewer connected first is told to reload, and the separate port works.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { compiledBinary } from "../helpers/binary.ts";
import { freePort, spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { openViewer, type Viewer } from "./viewer.ts";

let gw: SpawnedGateway;
let viewer: Viewer | undefined;
let canvasPort: number;

beforeAll(async () => {
  canvasPort = freePort();
  gw = await spawnGateway({ binary: await compiledBinary(), config: { gateway: { canvasHost: { port: canvasPort } } } });
  await gw.waitForOutput("canvas host listening on port");
}, 120_000);
afterAll(async () => {
  viewer?.close();
  await stopAllGateways();
});

test("compiled: a written document reloads the viewer and is served with the sandbox on both ports", async () => {
  viewer = await openViewer(`${gw.httpUrl}/__openclaw__/canvas-live`);
  const mark = viewer.mark();
  mkdirSync(join(gw.stateDir, "workspace", "canvas"), { recursive: true });
  writeFileSync(join(gw.stateDir, "workspace", "canvas", "index.html"), "<body><p>compiled</p></body>");
  await viewer.reloadAfter(mark);
  for (const base of [gw.httpUrl, `http://127.0.0.1:${canvasPort}`]) {
    const response = await fetch(`${base}/__openclaw__/canvas/`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-security-policy")).toEndWith("; sandbox allow-scripts");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(await response.text()).toContain("<p>compiled</p><script data-openclaw-live-reload>");
  }
});
