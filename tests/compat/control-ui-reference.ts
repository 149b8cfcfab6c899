// Opt-in, by hand: the reference's own browser Control UI (its dist/control-ui, served statically here) in Chromium,
// pointed at one gateway with `?gatewayUrl=…#token=…`; then a reload without the token. Prints what the page's
// WebSocket saw: the connect it sent (client, scopes, whether a device and which auth) and hello-ok's auth.
// Usage: bun tests/compat/control-ui-reference.ts <ws url of the gateway> <token> [ref dir, default /work/ref]
// The gateway must allow the static origin it prints (gateway.controlUi.allowedOrigins).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { chromium } from "playwright-core";

const [gatewayUrl, token, refDir = "/work/ref"] = process.argv.slice(2) as [string, string, string?];
const root = join(refDir, "node_modules", "openclaw", "dist", "control-ui");
const port = Number(process.env.UI_PORT ?? 18990);
// The production page always dials its own origin, so this server relays its WebSocket to the gateway
// frame for frame (the gateway's challenge reaches the page unchanged, so the device proof stays valid).
type Relay = { upstream?: WebSocket; queue: (string | Uint8Array)[] };
const server = Bun.serve<Relay>({
  hostname: "127.0.0.1",
  port,
  websocket: {
    open(ws) {
      const upstream = new WebSocket(gatewayUrl, { headers: { Origin: `http://127.0.0.1:${port}` } } as any);
      ws.data.upstream = upstream;
      upstream.onopen = () => { for (const m of ws.data.queue.splice(0)) upstream.send(m); };
      upstream.onmessage = (e) => ws.send(typeof e.data === "string" ? e.data : new Uint8Array(e.data as ArrayBuffer));
      upstream.onclose = (e) => ws.close(e.code === 1005 ? 1000 : e.code, e.reason);
    },
    message(ws, message) {
      const up = ws.data.upstream;
      if (up?.readyState === WebSocket.OPEN) up.send(message);
      else ws.data.queue.push(message);
    },
    close(ws) {
      ws.data.upstream?.close();
    },
  },
  fetch(req, srv) {
    if (req.headers.get("upgrade")?.toLowerCase() === "websocket" && srv.upgrade(req, { data: { queue: [] } })) return undefined;
    const path = decodeURIComponent(new URL(req.url).pathname);
    const file = join(root, path.replace(/\.\.+/g, ""));
    if (path !== "/" && existsSync(file)) return new Response(Bun.file(file));
    return new Response(Bun.file(join(root, "index.html")), { headers: { "content-type": "text/html" } });
  },
});
console.log(`static origin: http://127.0.0.1:${port}`);

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", headless: true, args: ["--no-sandbox", "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1"] });
const context = await browser.newContext();
const page = await context.newPage();
const logs: string[] = [];
page.on("console", (m) => logs.push(`${m.type()}: ${m.text()}`.slice(0, 300)));
page.on("pageerror", (e) => logs.push(`pageerror: ${e.message}`.slice(0, 300)));
const seen: { phase: string; sent?: any; hello?: any; error?: any }[] = [];
let phase = "first load";
const watch = (page: import("playwright-core").Page) => page.on("websocket", (ws) => {
  ws.on("framesent", (f) => {
    const frame = JSON.parse(String(f.payload));
    if (frame.method === "connect") {
      const p = frame.params;
      seen.push({ phase, sent: { client: p.client, scopes: p.scopes, device: Boolean(p.device), auth: Object.keys(p.auth ?? {}) } });
    }
  });
  ws.on("framereceived", (f) => {
    const frame = JSON.parse(String(f.payload));
    if (frame.type === "res" && frame.payload?.type === "hello-ok") seen.push({ phase, hello: { ...frame.payload.auth, deviceToken: frame.payload.auth.deviceToken ? "<present>" : undefined } });
    else if (frame.type === "res" && frame.ok === false) seen.push({ phase, error: { code: frame.error.code, message: frame.error.message, detail: frame.error.details?.code } });
  });
});
watch(page);
await page.goto(`http://127.0.0.1:${port}/#token=${encodeURIComponent(token)}`);
await page.waitForTimeout(8000);
// A new tab of the same browser profile: the token (kept per tab) is gone; the device identity and the device
// token the gateway issued (kept per origin) remain.
phase = "new tab without the token";
await page.close();
const tab = await context.newPage();
watch(tab);
await tab.goto(`http://127.0.0.1:${port}/`);
await tab.waitForTimeout(8000);
console.log(JSON.stringify(seen, null, 2));
if (process.env.UI_DEBUG) {
  console.log(logs.join("\n"));
  await tab.screenshot({ path: process.env.UI_DEBUG });
}
await browser.close();
server.stop(true);
process.exit(0);
