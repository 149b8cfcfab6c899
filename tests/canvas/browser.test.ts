// A canvas document in a real browser (Debian's Chromium via playwright-core): it runs in an opaque origin
// (the CSP sandbox holds: no storage, no gateway origin), its own script and the live-reload stream still
// work under the CSP, and when a run rewrites it the open page reloads by itself. Skips without Chromium.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { deepMerge, spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, connectParams, type Frame, type TestSocket } from "../helpers/ws.ts";
import { deviceHandshake, makeDevice } from "../devices/_device.ts";
import { agentsConfig, STANDIN_ENV } from "../agents/_setup.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";
import { CHROMIUM, hasChromium, launchChromium } from "../helpers/browser.ts";

if (!hasChromium) console.warn(`skipping the canvas browser test: ${CHROMIUM} is missing`);

let standIn: StandIn;
let gw: SpawnedGateway;
let op: TestSocket;
let browser: Browser | undefined;
let page: Page;
const consoleLines: string[] = [];

const ended = (runId: string) => (f: Frame) => f.event === "agent" && f.payload?.runId === runId && f.payload.stream === "lifecycle" && f.payload.data?.phase !== "start";

async function runWrite(name: string, path: string, content: string): Promise<void> {
  standIn.script(name, [{ tools: [{ name: "write", args: { path, content } }] }, { text: "written" }]);
  expect((await op.request("agent", { message: name, sessionKey: name, model: `stand/script-${name}`, idempotencyKey: name })).ok).toBe(true);
  expect((await op.next(ended(name), 20_000)).payload.data.phase).toBe("end");
}

const doc = (title: string) =>
  `<!doctype html><html><head><script src="app.js"></script></head><body><h1>${title}</h1><p id="probe"></p></body></html>`;

describe.skipIf(!hasChromium)("canvas in Chromium", () => {
  beforeAll(async () => {
    standIn = startStandIn();
    const stateDir = mkdtempSync(join(tmpdir(), "openclaw-canvas-ui-"));
    const config = deepMerge(agentsConfig(standIn, false), {});
    gw = await spawnGateway({ config, stateDir, env: STANDIN_ENV });
    op = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    browser = await launchChromium();
    page = await (await browser.newContext({ serviceWorkers: "block" })).newPage();
    page.on("console", (message) => consoleLines.push(`${message.type()}: ${message.text()}`));
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    op?.close();
    await stopAllGateways();
    standIn?.stop();
  });

  test("the page runs sandboxed in an opaque origin, its own script loads, and a run's rewrite reloads it", async () => {
    // The script beside the document reports what the sandbox allows it.
    await runWrite(
      "ui-js",
      "canvas/app.js",
      `addEventListener("DOMContentLoaded", () => { let storage = "open"; try { localStorage.setItem("k", "v"); } catch (e) { storage = "blocked"; } document.getElementById("probe").textContent = origin + " " + storage; });`,
    );
    await runWrite("ui-v1", "canvas/index.html", doc("first"));
    // The live-reload stream answers (headers received) before the rewrite: the page's EventSource is open.
    const live = page.waitForResponse((response) => response.url().endsWith("/__openclaw__/canvas-live"));
    await page.goto(`${gw.httpUrl}/__openclaw__/canvas/`);
    expect(await page.locator("h1").textContent()).toBe("first");
    await page.waitForFunction(() => (globalThis as any).document.getElementById("probe")?.textContent !== "");
    expect(await page.locator("#probe").textContent()).toBe("null blocked");
    expect((await live).status()).toBe(200);

    await runWrite("ui-v2", "canvas/index.html", doc("second"));
    await page.waitForFunction(() => (globalThis as any).document.querySelector("h1")?.textContent === "second", undefined, { timeout: 15_000 });
    expect(consoleLines.filter((line) => /Content Security Policy|CORS/i.test(line))).toEqual([]);
  }, 60_000);

  test("through a node's capability URL the page reloads too: the live stream is found below the same capability", async () => {
    const client = { id: "node-host", version: "2026.9.6", platform: "macos", mode: "node", displayName: "panel", instanceId: "b1" };
    const params = connectParams({ client, role: "node", scopes: [], caps: ["canvas"], commands: ["canvas.present"], auth: { token: gw.token } });
    const { socket, hello } = await deviceHandshake(gw.url, params, makeDevice());
    const cap = hello.payload.pluginSurfaceUrls.canvas as string;
    try {
      const live = page.waitForResponse((response) => response.url() === `${cap}/__openclaw__/canvas-live`);
      await page.goto(`${cap}/__openclaw__/canvas/`);
      expect(await page.locator("h1").textContent()).toBe("second");
      expect((await live).status()).toBe(200);
      await runWrite("ui-v3", "canvas/index.html", doc("third"));
      await page.waitForFunction(() => (globalThis as any).document.querySelector("h1")?.textContent === "third", undefined, { timeout: 15_000 });
      expect(consoleLines.filter((line) => /Content Security Policy|CORS/i.test(line))).toEqual([]);
    } finally {
      socket.close();
    }
  }, 60_000);
});
