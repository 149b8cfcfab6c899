// Tailscale exposure through a recording tailscale shim: serve/funnel with --bg, read-back, own-entry reset.
import { afterEach, beforeEach, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { createRunner } from "../../src/service/runner.ts";
import { exposeViaTailscale } from "../../src/service/tailscale.ts";
import { sandbox, type Sandbox } from "./_helpers.ts";

let sb: Sandbox;
beforeEach(() => (sb = sandbox()));
afterEach(() => sb.cleanup());

const HOST = "box.tail1234.ts.net:443";
const status = (port: number, funnel = false, path = "/") =>
  JSON.stringify({
    TCP: { "443": { HTTPS: true } },
    Web: { [HOST]: { Handlers: { [path]: { Proxy: `http://127.0.0.1:${port}` } } } },
    ...(funnel ? { AllowFunnel: { [HOST]: true } } : {}),
  });
const run = () => createRunner(sb.env);

describe("exposeViaTailscale", () => {
  test("serve: --bg for the gateway port, read back, reset removes only the root handler", async () => {
    sb.setState("serve.json", status(18789));
    const exposure = await exposeViaTailscale({ mode: "serve", port: 18789, authMode: "token", run: run() });
    expect(exposure.url).toBe("https://box.tail1234.ts.net");
    expect(sb.readCalls()).toEqual(["tailscale serve --bg --yes --https=443 http://127.0.0.1:18789", "tailscale serve status --json"]);
    sb.clearCalls();
    await exposure.reset();
    await exposure.reset();
    expect(sb.readCalls()).toEqual(["tailscale serve status --json", "tailscale serve --yes --https=443 --set-path=/ off"]);
    expect(sb.readCalls().join("\n")).not.toContain("reset");
  });

  test("serve that silently did nothing: a loud error naming the missing mapping", async () => {
    sb.setState("serve.json", "{}");
    await expect(exposeViaTailscale({ mode: "serve", port: 18789, authMode: "token", run: run() })).rejects.toMatchObject({
      code: "mapping-missing",
      message: expect.stringContaining("has no https:443 / → http://127.0.0.1:18789 mapping"),
    });
  });

  test("a mapping to another port is not ours", async () => {
    sb.setState("serve.json", status(3000));
    await expect(exposeViaTailscale({ mode: "serve", port: 18789, authMode: "token", run: run() })).rejects.toMatchObject({ code: "mapping-missing" });
  });

  test("reset leaves a route that someone else has since pointed elsewhere", async () => {
    sb.setState("serve.json", status(18789));
    const exposure = await exposeViaTailscale({ mode: "serve", port: 18789, authMode: "token", run: run() });
    sb.setState("serve.json", status(3000));
    sb.clearCalls();
    await exposure.reset();
    expect(sb.readCalls()).toEqual(["tailscale serve status --json"]);
  });

  test("funnel is refused without password auth, before any tailscale call", async () => {
    for (const authMode of ["token", "none", undefined]) {
      await expect(exposeViaTailscale({ mode: "funnel", port: 18789, authMode, run: run() })).rejects.toMatchObject({ code: "funnel-needs-password" });
    }
    expect(sb.readCalls()).toEqual([]);
  });

  test("funnel with password auth: funnel --bg, and AllowFunnel must be on", async () => {
    sb.setState("serve.json", status(18789, true));
    const exposure = await exposeViaTailscale({ mode: "funnel", port: 18789, authMode: "password", run: run() });
    expect(sb.readCalls()).toEqual(["tailscale funnel --bg --yes --https=443 http://127.0.0.1:18789", "tailscale serve status --json"]);
    sb.clearCalls();
    await exposure.reset();
    expect(sb.readCalls()).toEqual(["tailscale serve status --json", "tailscale funnel --yes --https=443 --set-path=/ off"]);
  });

  test("funnel not allowed for the node: error, and our serve mapping is removed again", async () => {
    sb.setState("serve.json", status(18789, false));
    await expect(exposeViaTailscale({ mode: "funnel", port: 18789, authMode: "password", run: run() })).rejects.toMatchObject({ code: "mapping-missing", message: expect.stringContaining("Funnel is not enabled") });
    expect(sb.readCalls().at(-1)).toBe("tailscale funnel --yes --https=443 --set-path=/ off");
  });

  test("tailscale CLI missing: a clear error", async () => {
    sb.env.PATH = join(sb.root, "empty");
    await expect(exposeViaTailscale({ mode: "serve", port: 18789, authMode: "token", run: run() })).rejects.toMatchObject({
      code: "cli-missing",
      message: expect.stringContaining("tailscale CLI was not found"),
    });
  });

  test("tailscale refusing (not logged in) surfaces its message", async () => {
    sb.env.FAKE_FAIL = "--bg";
    sb.env.FAKE_FAIL_MSG = "serve: not logged in";
    await expect(exposeViaTailscale({ mode: "serve", port: 18789, authMode: "token", run: run() })).rejects.toMatchObject({ code: "command-failed", message: expect.stringContaining("not logged in") });
  });

  test("off does nothing", async () => {
    const exposure = await exposeViaTailscale({ mode: "off", port: 1, authMode: undefined, run: run() });
    await exposure.reset();
    expect(sb.readCalls()).toEqual([]);
  });
});
