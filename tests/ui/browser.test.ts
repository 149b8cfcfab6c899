// The Control UI in a real browser (Debian's Chromium driven by playwright-core): paste the token, watch
// health and ticks live, edit config (inline error, then a save the CLI can read back), follow the log
// tail, and measure the cold-load weight. Skips when /usr/bin/chromium is not installed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectParams, handshake } from "../helpers/ws.ts";
import { CHROMIUM, hasChromium, launchChromium } from "../helpers/browser.ts";

const ROOT = join(import.meta.dir, "..", "..");
const ARTIFACTS = join(ROOT, ".tmp", "artifacts");

if (!hasChromium) {
  console.warn(`skipping the Control UI browser test: ${CHROMIUM} is missing (apt-get install -y chromium)`);
}

let gw: SpawnedGateway;
let browser: Browser | undefined;
let context: BrowserContext;
let page: Page;
/** Requests that went anywhere but the gateway (must stay empty: no CDN, works offline). */
const foreign: string[] = [];
/** Bytes on the wire (headers + encoded body) per finished HTTP response. */
const transfers: { url: string; bytes: number }[] = [];

describe.skipIf(!hasChromium)("Control UI in Chromium", () => {
  beforeAll(async () => {
    gw = await spawnGateway({ env: { OPENCLAW_TICK_INTERVAL_MS: "300" } });
    // Nothing but the loopback gateway resolves, whatever the page (or Chromium) tries.
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1280, height: 900 }, serviceWorkers: "block" });
    await context.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith(`${gw.httpUrl}/`)) return route.continue();
      foreign.push(url);
      return route.abort();
    });
    page = await context.newPage();
    page.on("requestfinished", async (request) => {
      const sizes = await request.sizes().catch(() => undefined);
      if (sizes) transfers.push({ url: request.url(), bytes: sizes.responseHeadersSize + sizes.responseBodySize });
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stopAllGateways();
  });

  test("paste the token once (a wrong one is refused inline): the page connects as openclaw-control-ui and keeps the token out of the URL", async () => {
    await page.goto(`${gw.httpUrl}/`);
    await page.getByTestId("login").waitFor();
    // A wrong token is answered inline and not kept.
    await page.getByLabel("Gateway token").fill("not-the-token");
    await page.getByRole("button", { name: "Connect" }).click();
    await expectText("login-error", "token mismatch");
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem("openclaw.controlUi.token"))).toBeNull();

    await page.getByLabel("Gateway token").fill(gw.token);
    await page.getByRole("button", { name: "Connect" }).click();
    await expectText("conn-state", "connected");
    expect(page.url()).toBe(`${gw.httpUrl}/`);
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem("openclaw.controlUi.token"))).toBe(gw.token);
    await expectText("scopes", "operator.read");

    // Cold load: everything fetched so far (shell, script, style, icon). WebSocket frames are not HTTP transfers.
    await page.waitForLoadState("networkidle");
    const bytes = transfers.reduce((sum, t) => sum + t.bytes, 0);
    mkdirSync(ARTIFACTS, { recursive: true });
    writeFileSync(join(ARTIFACTS, "control-ui-cold-load.json"), JSON.stringify({ bytes, transfers }, null, 2));
    console.log(`control UI cold load: ${bytes} bytes transferred in ${transfers.length} responses`);
    expect(transfers.length).toBeGreaterThanOrEqual(3);
    expect(bytes).toBeLessThan(100_000);
  });

  test("`openclaw dashboard`'s URL (token in the fragment) signs a fresh browser in and the fragment is stripped at once", async () => {
    const fresh = await browser!.newContext({ serviceWorkers: "block" });
    await fresh.route("**/*", (route) => (route.request().url().startsWith(`${gw.httpUrl}/`) ? route.continue() : route.abort()));
    try {
      const tab = await fresh.newPage();
      await tab.goto(`${gw.httpUrl}/#token=${encodeURIComponent(gw.token)}`);
      await tab.getByTestId("conn-state").filter({ hasText: "connected" }).first().waitFor({ timeout: 15_000 });
      expect(tab.url()).toBe(`${gw.httpUrl}/`);
      expect(await tab.evaluate(() => (globalThis as any).localStorage.getItem("openclaw.controlUi.token"))).toBe(gw.token);
    } finally {
      await fresh.close();
    }
  });

  test("health and status are live: ticks arrive, status refreshes per tick, a health probe updates the card", async () => {
    const uptimeBefore = Number(await page.getByTestId("uptime").locator("[data-ms]").getAttribute("data-ms"));
    await page.waitForFunction(() => Number((globalThis as any).document.querySelector('[data-testid="tick-count"]')?.textContent) >= 2);
    expect(await page.getByTestId("last-tick").locator("time").getAttribute("data-ts")).toMatch(/^\d+$/);
    await page.waitForFunction(
      (before) => Number((globalThis as any).document.querySelector('[data-testid="uptime"] [data-ms]')?.getAttribute("data-ms")) > before,
      uptimeBefore,
    );
    const healthBefore = await page.getByTestId("health-ts").locator("time").getAttribute("data-ts");
    await page.getByRole("button", { name: "Check health now" }).click();
    await page.waitForFunction(
      (before) => (globalThis as any).document.querySelector('[data-testid="health-ts"] time')?.getAttribute("data-ts") !== before,
      healthBefore,
    );
    await expectText("health-state", "ok");
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "control-ui-overview.png"), fullPage: true });
  });

  test("connected clients lists this page", async () => {
    await page.getByRole("link", { name: "Clients" }).click();
    expect(page.url()).toBe(`${gw.httpUrl}/clients`);
    await expectText("clients-table", "Control UI");
    await expectText("clients-table", "ui");
  });

  test("config: redacted view; an invalid value shows the error inline; a valid one is saved and read back by the CLI", async () => {
    await page.getByRole("link", { name: "Config" }).click();
    await expectText("config-json", "__OPENCLAW_REDACTED__");
    expect(await page.getByTestId("config-json").textContent()).not.toContain(gw.token);

    const form = page.getByTestId("config-form");
    await form.getByLabel("Path").fill("gateway.reload.debounceMs");
    await form.getByLabel("Value").fill("\"soon\"");
    await form.getByRole("button", { name: "Save" }).click();
    await expectText("config-error", "gateway.reload.debounceMs");
    await page.screenshot({ path: join(ARTIFACTS, "control-ui-config-error.png"), fullPage: true });

    await form.getByLabel("Value").fill("250");
    await form.getByRole("button", { name: "Save" }).click();
    await expectText("config-saved", "Saved gateway.reload.debounceMs");
    await expectText("config-json", '"debounceMs": 250');

    const cli = Bun.spawnSync([process.execPath, join(ROOT, "src", "main.ts"), "config", "get", "gateway.reload.debounceMs"], {
      env: { ...process.env, NO_COLOR: "1", OPENCLAW_STATE_DIR: gw.stateDir, OPENCLAW_CONFIG_PATH: "" },
      stdout: "pipe",
      stderr: "pipe",
    });
    expect(cli.stderr.toString()).toBe("");
    expect(cli.stdout.toString().trim()).toBe("250");
  });

  test("logs: the live tail shows a line written after the view opened", async () => {
    await page.getByRole("link", { name: "Logs" }).click();
    await page.waitForFunction(() => ((globalThis as any).document.querySelector('[data-testid="log-lines"]')?.childElementCount ?? 0) > 0);
    // A refused foreign origin is logged with the origin: a line nobody else writes.
    const marker = `http://evil-${crypto.randomUUID().slice(0, 8)}.example`;
    const { socket } = await handshake(gw.url, connectParams({ auth: { token: gw.token } }), { Origin: marker });
    await socket.closed;
    await expectText("log-lines", marker);
    await page.screenshot({ path: join(ARTIFACTS, "control-ui-logs.png"), fullPage: true });
  });

  test("sessions shows the agents placeholder", async () => {
    await page.getByRole("link", { name: "Sessions" }).click();
    await expectText("sessions-placeholder", "Sessions and chat arrive with agents");
  });

  test("a reload reconnects with the stored token; Forget token returns to the login form", async () => {
    await page.reload();
    await expectText("conn-state", "connected");
    await expectText("sessions-placeholder", "Sessions and chat arrive with agents");
    await page.getByRole("button", { name: "Forget token" }).click();
    await page.getByTestId("login").waitFor();
    expect(await page.evaluate(() => (globalThis as any).localStorage.getItem("openclaw.controlUi.token"))).toBeNull();
  });

  test("the page made no request outside the gateway", () => {
    expect(foreign).toEqual([]);
  });
});

async function expectText(testId: string, text: string): Promise<void> {
  await page.getByTestId(testId).filter({ hasText: text }).first().waitFor({ timeout: 15_000 });
}
