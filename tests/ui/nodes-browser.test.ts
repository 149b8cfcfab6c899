// The Control UI's Nodes panel in Chromium: a connected node's host stats and input presence appear in its row,
// follow the node's `node.host.stats` / `node.presence.activity` events live, and an offline node keeps its last
// known stats with their age. Skips when /usr/bin/chromium is not installed (as tests/ui/browser.test.ts).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { deviceHandshake, makeDevice } from "../devices/_device.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams, type TestSocket } from "../helpers/ws.ts";
import { hasChromium, launchChromium } from "../helpers/browser.ts";

const GB = 2 ** 30;
const stats = { cpuCount: 24, loadAverage: [3.2, 2, 1], memoryTotalBytes: 192 * GB, memoryFreeBytes: 41 * GB, diskTotalBytes: 2 * 2 ** 40, diskAvailableBytes: Math.round(1.2 * 2 ** 40) };

let gw: SpawnedGateway;
let browser: Browser | undefined;
let page: Page;
let node: TestSocket;
let nodeId: string;

describe.skipIf(!hasChromium)("Control UI nodes panel", () => {
  beforeAll(async () => {
    gw = await spawnGateway();
    const device = makeDevice();
    nodeId = device.id;
    const client = { id: "node-host", version: "2026.9.6", platform: "linux", deviceFamily: "Linux", mode: "node", displayName: "stats-node" };
    ({ socket: node } = await deviceHandshake(gw.url, connectParams({ client, role: "node", scopes: [], caps: ["system"], commands: ["system.notify"], permissions: { accessibility: true }, auth: { token: gw.token } }), device));
    expect((await node.request("node.event", { event: "node.host.stats", payload: stats })).payload).toMatchObject({ handled: true });
    browser = await launchChromium();
    const context = await browser.newContext({ serviceWorkers: "block" });
    await context.route("**/*", (route) => (route.request().url().startsWith(`${gw.httpUrl}/`) ? route.continue() : route.abort()));
    page = await context.newPage();
  }, 60_000);

  afterAll(async () => {
    node?.close();
    await browser?.close();
    await stopAllGateways();
  });

  const cell = (testId: string) => page.locator(`tr[data-node="${nodeId}"] [data-testid="${testId}"]`);
  const expectCell = (testId: string, text: string) => cell(testId).filter({ hasText: text }).waitFor({ timeout: 15_000 });

  test("a connected node's row shows its version and host stats; no input reported yet is a dash", async () => {
    await page.goto(`${gw.httpUrl}/#token=${encodeURIComponent(gw.token)}`);
    await page.getByTestId("conn-state").filter({ hasText: "connected" }).first().waitFor({ timeout: 15_000 });
    await page.getByRole("link", { name: "Nodes" }).click();
    await expectCell("node-host", "load 3.2/24 · mem 151/192 GB · disk 1.2 TB free");
    expect(await page.locator(`tr[data-node="${nodeId}"]`).textContent()).toContain("core v2026.9.6");
    expect(await cell("node-presence").textContent()).toBe("—");
  });

  test("node.presence and node.hostStats events update the row in place", async () => {
    expect((await node.request("node.event", { event: "node.presence.activity", payload: { idleSeconds: 300 } })).payload).toMatchObject({ handled: true });
    await expectCell("node-presence", "input 5m ago");
    expect((await node.request("node.event", { event: "node.host.stats", payload: { ...stats, loadAverage: [7.5, 2, 1] } })).payload).toMatchObject({ handled: true });
    await expectCell("node-host", "load 7.5/24 · mem 151/192 GB");
  });

  test("once the node disconnects its row keeps the last known stats, with their age", async () => {
    node.close();
    await node.closed;
    await expectCell("node-host", "load 7.5/24 · mem 151/192 GB · disk 1.2 TB free (last known just now)");
  });
});
