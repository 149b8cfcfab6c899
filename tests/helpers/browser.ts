// Headless Chromium for the Control UI tests, launched one way everywhere: offline, and unable to resolve any
// host but the loopback gateway, whatever the page (or Chromium itself) tries to reach.
import { existsSync } from "node:fs";
import type { Browser, Page } from "playwright-core";

export const CHROMIUM = "/usr/bin/chromium";
/** The browser tests skip (describe.skipIf) where the distribution's Chromium is not installed. */
export const hasChromium = existsSync(CHROMIUM);

/** Launches the system Chromium headless, with its background networking off and only 127.0.0.1 resolvable. */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import("playwright-core");
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      "--no-sandbox",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--no-default-browser-check",
      "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
    ],
  });
}

/** A fresh page (service workers blocked) on the Control UI at `path`, connected with the gateway's token. */
export async function openConnected(browser: Browser, gw: { httpUrl: string; token: string }, path: string): Promise<Page> {
  const page = await (await browser.newContext({ serviceWorkers: "block" })).newPage();
  await page.goto(`${gw.httpUrl}${path}`);
  await page.getByLabel("Gateway token").fill(gw.token);
  await page.getByRole("button", { name: "Connect" }).click();
  return page;
}
