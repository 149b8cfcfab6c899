// Chat in the Control UI, in Chromium against a real gateway and the stand-in model: history, send and a
// streamed reply, a tool call waiting for exec approval approved from the page, abort, and the agent switcher.
// Skips when /usr/bin/chromium is not installed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Browser, Page } from "playwright-core";
import { agentsConfig, STANDIN_ENV } from "../agents/_setup.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";
import { deepMerge, spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { hasChromium, launchChromium, openConnected } from "../helpers/browser.ts";


let standIn: StandIn;
let gw: SpawnedGateway;
let browser: Browser | undefined;
let page: Page;

describe.skipIf(!hasChromium)("Control UI chat in Chromium", () => {
  beforeAll(async () => {
    standIn = startStandIn();
    standIn.script("ui", [{ tools: [{ name: "exec", args: { command: "echo from-the-tool" } }] }, { text: "tool finished" }]);
    const config = deepMerge(agentsConfig(standIn, false), { agents: { entries: { tooly: { name: "Tooly", model: "stand/script-ui", tools: { exec: { mode: "ask" } } } } } });
    gw = await spawnGateway({ config, env: STANDIN_ENV });
    browser = await launchChromium();
    page = await openConnected(browser, gw, "/chat");
    await page.getByTestId("conn-state").filter({ hasText: "connected" }).waitFor({ timeout: 15_000 });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await stopAllGateways();
    standIn?.stop();
  });

  const expectIn = (testId: string, text: string) => page.getByTestId(testId).filter({ hasText: text }).first().waitFor({ timeout: 15_000 });

  test("send a message and see the streamed reply land in the history", async () => {
    await page.getByTestId("chat-input").fill("hello page");
    await page.getByTestId("chat-send").click();
    await expectIn("chat-log", "echo(alpha): hello page");
    const roles = await page.getByTestId("chat-log").locator("[data-role]").evaluateAll((els) => els.map((e: any) => e.dataset.role));
    expect(roles).toEqual(["user", "assistant"]);
  });

  test("switch agent; its tool call waits for approval, approved from the page, then the run finishes", async () => {
    await page.getByTestId("chat-agent").selectOption("tooly");
    await page.getByTestId("chat-input").fill("use a tool");
    await page.getByTestId("chat-send").click();
    await expectIn("chat-approval", "echo from-the-tool");
    await page.getByTestId("approve").click();
    await expectIn("chat-log", "tool finished");
    await expectIn("chat-log", "from-the-tool");
    expect(await page.getByTestId("chat-approval").count()).toBe(0);
  });

  test("abort stops a running reply", async () => {
    await page.getByTestId("chat-input").fill("again");
    await page.getByTestId("chat-send").click();
    await expectIn("chat-approval", "echo from-the-tool");
    await page.getByTestId("chat-abort").click();
    await expectIn("chat-log", "[aborted]");
  });
});
