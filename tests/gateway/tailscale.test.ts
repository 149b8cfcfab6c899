// `gateway run --tailscale`: drives the tailscale CLI (recording shim on PATH), reads the mapping back,
// refuses loudly when it is missing, and undoes only our mapping on exit when asked.
import { afterAll, afterEach, beforeEach, expect, test } from "bun:test";
import { freePort, spawnGateway, stopAllGateways } from "../helpers/gateway.ts";
import { sandbox, type Sandbox } from "../service/_helpers.ts";

let sb: Sandbox;
beforeEach(() => (sb = sandbox(["tailscale"])));
afterEach(() => sb.cleanup());
afterAll(stopAllGateways);

const mapping = (port: number) =>
  JSON.stringify({ TCP: { "443": { HTTPS: true } }, Web: { "box.tail1234.ts.net:443": { Handlers: { "/": { Proxy: `http://127.0.0.1:${port}` } } } } });

test("--tailscale serve maps the port; --tailscale-reset-on-exit removes it on SIGTERM", async () => {
  const port = freePort();
  sb.setState("serve.json", mapping(port));
  const gw = await spawnGateway({ port, args: ["--tailscale", "serve", "--tailscale-reset-on-exit"], env: { PATH: sb.env.PATH, FAKE_CALLS: sb.calls, FAKE_STATE_DIR: sb.state }, noWait: true });
  await gw.waitForOutput("Tailscale serve: https://box.tail1234.ts.net");
  expect(sb.readCalls().slice(0, 2)).toEqual([`tailscale serve --bg --yes --https=443 http://127.0.0.1:${gw.port}`, "tailscale serve status --json"]);
  expect(await gw.stop()).toBe(0);
  expect(sb.readCalls()).toContain("tailscale serve --yes --https=443 --set-path=/ off");
});

test("a serve that silently did nothing stops the gateway with a clear error", async () => {
  const gw = await spawnGateway({ args: ["--tailscale", "serve"], env: { PATH: sb.env.PATH, FAKE_CALLS: sb.calls, FAKE_STATE_DIR: sb.state }, noWait: true });
  expect(await gw.proc.exited).toBe(1);
  expect(gw.output()).toContain(`no https:443 / → http://127.0.0.1:${gw.port} mapping`);
});

test("--tailscale funnel is refused without password auth", async () => {
  const gw = await spawnGateway({ args: ["--tailscale", "funnel"], env: { PATH: sb.env.PATH, FAKE_CALLS: sb.calls, FAKE_STATE_DIR: sb.state }, noWait: true });
  expect(await gw.proc.exited).toBe(1);
  expect(gw.output()).toContain("Refusing --tailscale funnel");
  expect(sb.readCalls()).toEqual([]);
});
