// The Control UI's Automations panel in Chromium against a real gateway: jobs with schedule, next run and last
// result; Run now and Disable/Enable through the admin connection; cron events redraw the table. Skips when
// /usr/bin/chromium is not installed.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { Browser, Page } from "playwright-core";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";
import { hasChromium, launchChromium, openConnected } from "../helpers/browser.ts";

const ARTIFACTS = join(import.meta.dir, "..", "..", ".tmp", "artifacts");
let gw: SpawnedGateway;
let op: TestSocket;
let browser: Browser | undefined;
let page: Page;
let stretch: string;
let report: string;

const rpc = async (method: string, params?: unknown) => {
  const res = await op.request(method, params);
  if (!res.ok) throw new Error(`${method}: ${JSON.stringify(res.error)}`);
  return res.payload;
};

describe.skipIf(!hasChromium)("Automations panel in Chromium", () => {
  beforeAll(async () => {
    gw = await spawnGateway({ config: {} });
    op = await connectOperator(gw.url, gw.token);
    stretch = (await rpc("cron.add", { name: "Stretch", schedule: { kind: "every", everyMs: 3_600_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "stand up" } })).id;
    // No model is configured: running this job fails, and the failure is what the panel must show.
    report = (await rpc("cron.add", { name: "Report", schedule: { kind: "cron", expr: "0 9 * * 1", tz: "Europe/Berlin" }, sessionTarget: "isolated", wakeMode: "now", payload: { kind: "agentTurn", message: "weekly report" } })).id;
    browser = await launchChromium();
    page = await openConnected(browser, gw, "/automations");
  }, 60_000);
  afterAll(async () => {
    op?.close();
    await browser?.close();
    await stopAllGateways();
  });

  const row = (id: string) => page.getByTestId(`job-${id}`);
  const rowHas = (id: string, text: string) => row(id).filter({ hasText: text }).waitFor({ timeout: 15_000 });

  test("jobs are listed with their schedule and next run; the scheduler state is shown", async () => {
    await rowHas(stretch, "every 1h 00m 00s");
    await rowHas(report, "cron 0 9 * * 1 (Europe/Berlin)");
    expect(await page.getByTestId("automations-summary").textContent()).toContain("scheduler on");
    expect(await row(stretch).getByTestId("next-run").textContent()).toMatch(/\d\d:\d\d:\d\d/);
    expect(await row(stretch).getByTestId("last-result").textContent()).toBe("—");
  });

  test("Run now runs the job and shows its result; a failing job shows its error", async () => {
    await row(stretch).getByRole("button", { name: "Run now" }).click();
    await row(stretch).getByTestId("last-result").filter({ hasText: "ok" }).waitFor({ timeout: 15_000 });
    expect((await rpc("cron.runs", { id: stretch })).total).toBe(1);
    await row(report).getByRole("button", { name: "Run now" }).click();
    await row(report).getByTestId("last-result").filter({ hasText: "error" }).waitFor({ timeout: 15_000 });
    const runs = await rpc("cron.runs", { id: report });
    expect(await row(report).getByTestId("last-result").textContent()).toContain(runs.entries[0].error);
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, "control-ui-automations.png"), fullPage: true });
  });

  test("Disable and Enable change the job through the admin connection", async () => {
    await row(stretch).getByRole("button", { name: "Disable" }).click();
    await rowHas(stretch, "(disabled)");
    expect((await rpc("cron.get", { id: stretch })).enabled).toBe(false);
    expect(await row(stretch).getByTestId("next-run").textContent()).toBe("—");
    await row(stretch).getByRole("button", { name: "Enable" }).click();
    await row(stretch).getByRole("button", { name: "Disable" }).waitFor({ timeout: 15_000 });
    expect((await rpc("cron.get", { id: stretch })).enabled).toBe(true);
  });

  test("a job added elsewhere appears through the cron event", async () => {
    const added = (await rpc("cron.add", { name: "Water plants", schedule: { kind: "every", everyMs: 86_400_000 }, sessionTarget: "main", wakeMode: "next-heartbeat", payload: { kind: "systemEvent", text: "water" } })).id;
    await rowHas(added, "Water plants");
  });
});
