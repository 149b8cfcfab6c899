// The Bot API through a proxy: HTTP(S)_PROXY / ALL_PROXY / OPENCLAW_PROXY_URL and channels.telegram.proxy, NO_PROXY
// honoured, SOCKS refused with a clear problem. A tiny loopback forward proxy stands in for the real one.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { bypassed, resolveProxy } from "../../src/channels/telegram/proxy.ts";
import { spawnGateway, stopAllGateways } from "../helpers/gateway.ts";
import { connectOperator } from "../helpers/ws.ts";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";
import { startTelegramStandIn, type TelegramStandIn } from "./telegram-stand-in.ts";

const TOKEN = "8181:proxy-token";
const OWNER = 515;
let model: StandIn;
let tg: TelegramStandIn;
let proxy: ReturnType<typeof Bun.serve>;
const proxied: string[] = [];

beforeAll(() => {
  model = startStandIn();
  tg = startTelegramStandIn({ [TOKEN]: { id: 8181, username: "proxy_bot", first_name: "P" } });
  // A forward proxy: an http:// target arrives in absolute form; it is fetched and answered as it came back.
  proxy = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    idleTimeout: 0,
    async fetch(request) {
      const url = new URL(request.url);
      proxied.push(`${request.method} ${url.pathname.replace(/\/bot[^/]+\//, "/bot<token>/")}`);
      const upstream = await fetch(url, { method: request.method, headers: request.headers, body: request.method === "GET" ? undefined : await request.arrayBuffer() });
      return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
    },
  });
});
afterAll(async () => {
  await stopAllGateways();
  proxy.stop(true);
  model.stop();
  tg.kill();
});

test("which proxy: config first, then the env the reference reads; NO_PROXY bypasses; SOCKS is refused", () => {
  const http = "http://api.example:8081";
  const https = "https://api.telegram.org";
  expect(resolveProxy(undefined, https, { HTTPS_PROXY: "http://p:1", HTTP_PROXY: "http://q:2" })).toEqual({ url: "http://p:1", source: "HTTPS_PROXY" });
  expect(resolveProxy(undefined, http, { HTTPS_PROXY: "http://p:1", http_proxy: "http://q:2" })).toEqual({ url: "http://q:2", source: "http_proxy" });
  expect(resolveProxy(undefined, https, { all_proxy: "http://a:3" })).toEqual({ url: "http://a:3", source: "all_proxy" });
  expect(resolveProxy(undefined, https, { OPENCLAW_PROXY_URL: "http://o:4" })).toEqual({ url: "http://o:4", source: "OPENCLAW_PROXY_URL" });
  expect(resolveProxy("http://c:5", https, { HTTPS_PROXY: "http://p:1" })).toEqual({ url: "http://c:5", source: "channels.telegram.proxy" });
  expect(resolveProxy(undefined, https, { HTTPS_PROXY: "http://p:1", NO_PROXY: "localhost,.telegram.org" })).toEqual({});
  expect(resolveProxy(undefined, https, {})).toEqual({});
  expect(resolveProxy("socks5://u:secret@h:1080", https, {}).problem).toContain("SOCKS proxies (socks5) are not supported");
  expect(resolveProxy("socks5://u:secret@h:1080", https, {}).problem).not.toContain("secret");
  expect(resolveProxy(undefined, https, { ALL_PROXY: "socks5h://h:1080" }).problem).toStartWith("ALL_PROXY: SOCKS");
  expect(resolveProxy("ftp://h", https, {}).problem).toContain("unsupported proxy scheme ftp");
  expect(resolveProxy(42, https, {}).problem).toContain("must be a URL string");
});

test.each([
  ["*", "https://api.telegram.org", true],
  ["telegram.org", "https://api.telegram.org", true],
  ["*.telegram.org", "https://api.telegram.org", true],
  ["gram.org", "https://api.telegram.org", false],
  ["127.0.0.1:9000", "http://127.0.0.1:9000", true],
  ["127.0.0.1:9001", "http://127.0.0.1:9000", false],
  ["[::1]", "http://[::1]:80", true],
  ["", "https://api.telegram.org", false],
] as const)("NO_PROXY %p for %s → %p", (noProxy, url, expected) => {
  expect(bypassed(new URL(url), noProxy)).toBe(expected);
});

// Bun's fetch itself follows HTTP(S)_PROXY/NO_PROXY for every request of the process (model calls included), so
// the end-to-end case uses OPENCLAW_PROXY_URL, which only the channel's own resolution knows.
test("OPENCLAW_PROXY_URL in the gateway's env: polling, the probe and replies all go through the proxy", async () => {
  const gw = await spawnGateway({
    config: {
      models: { providers: { stand: { baseUrl: `${model.url}/v1`, apiKey: "sk", api: "openai-completions", models: [{ id: "p" }] } } },
      agents: { defaults: { model: "stand/p" } },
      channels: { telegram: { botToken: TOKEN, apiRoot: tg.url, dmPolicy: "allowlist", allowFrom: [String(OWNER)], streaming: "off" } },
    },
    env: { OPENCLAW_PROXY_URL: proxy.url.href, HTTP_PROXY: undefined, http_proxy: undefined, ALL_PROXY: undefined, all_proxy: undefined, NO_PROXY: undefined, no_proxy: undefined },
  });
  await tg.waitFor((c) => c.method === "getUpdates" && c.token === TOKEN);
  tg.message(TOKEN, { from: OWNER, text: "via proxy" });
  await tg.waitFor((c) => c.method === "sendMessage" && String(c.params.text) === "echo(p): via proxy");
  for (const method of ["getMe", "getUpdates", "sendMessage"]) expect(proxied).toContain(`POST /bot<token>/${method}`);
  // The model provider is not a Bot API call: the channel's proxy choice does not reroute it.
  expect(proxied.some((line) => line.includes("/v1/"))).toBe(false);
  await gw.stop();
});

test("channels.telegram.proxy set to SOCKS: the account does not start and says why; the Bot API is never called", async () => {
  const token = "8282:socks-token";
  const gw = await spawnGateway({ config: { channels: { telegram: { botToken: token, apiRoot: tg.url, proxy: "socks5://user:pw@127.0.0.1:1080" } } } });
  const rpc = await connectOperator(gw.url, gw.token);
  const status = (await rpc.request("channels.status", {})).payload;
  const account = status.channelAccounts.telegram[0];
  expect(account).toMatchObject({ configured: false, running: false });
  expect(account.lastError).toContain("SOCKS proxies (socks5) are not supported");
  expect(JSON.stringify(status)).not.toContain("user:pw");
  expect(gw.output()).toContain("not started: channels.telegram.proxy: SOCKS");
  expect(tg.calls.filter((c) => c.token === token)).toHaveLength(0);
  rpc.close();
  await gw.stop();
});
