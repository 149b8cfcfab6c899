// The canvas host's pieces in-process: which config spelling wins, the path guard, the live-reload hub's
// bounds (viewers, a slow viewer's buffer) and that it watches only while someone views.
import { expect, test } from "bun:test";
import { canvasSettings } from "../../src/canvas/settings.ts";
import { safeSegments } from "../../src/canvas/files.ts";
import { injectLiveReload } from "../../src/canvas/headers.ts";
import { LiveReload, MAX_VIEWERS, type WatchFactory } from "../../src/canvas/live.ts";

const STATE = "/state";

test("on by default at <workspace>/canvas (the default agent's, so a run can write there); every spelling is read and the plugin switch wins", () => {
  expect(canvasSettings({}, STATE, {})).toEqual({ enabled: true, root: "/state/workspace/canvas", liveReload: true });
  expect(canvasSettings({ gateway: { canvasHost: { port: 18793, root: "/srv/c", liveReload: false } } }, STATE, {})).toEqual({
    enabled: true,
    root: "/srv/c",
    liveReload: false,
    port: 18793,
  });
  expect(canvasSettings({ canvasHost: { enabled: false } }, STATE, {}).enabled).toBe(false);
  // Seed 004's block (`enabled: true` outright) opens the separate port at the gateway port + 4 (18789 → 18793).
  expect(canvasSettings({ gateway: { canvasHost: { enabled: true } } }, STATE, {}, 18789).port).toBe(18793);
  expect(canvasSettings({ canvasHost: { enabled: true } }, STATE, {}, 19001).port).toBe(19005);
  expect(canvasSettings({ canvasHost: { enabled: true } }, STATE, {}, 65534).port).toBe(18793);
  expect(canvasSettings({}, STATE, {}, 18789).port).toBeUndefined();
  const plugin = { canvasHost: { enabled: false }, plugins: { entries: { canvas: { config: { host: { enabled: true } } } } } };
  expect(canvasSettings(plugin, STATE, {}).enabled).toBe(true);
  expect(canvasSettings({}, STATE, { OPENCLAW_SKIP_CANVAS_HOST: "1" }).enabled).toBe(false);
  expect(canvasSettings({}, STATE, { OPENCLAW_A2UI_ROOT: "/opt/a2ui" }).a2uiRoot).toBe("/opt/a2ui");
  // A relative A2UI root would depend on the gateway's working directory: ignored.
  expect(canvasSettings({}, STATE, { OPENCLAW_A2UI_ROOT: "a2ui" }).a2uiRoot).toBeUndefined();
});

test("the path guard refuses dot segments, encoded separators and NUL", () => {
  expect(safeSegments("a/b%20c/index.html")).toEqual(["a", "b c", "index.html"]);
  for (const bad of ["..", "a/../b", "%2e%2e/x", "a%2fb", "a%5cb", "a%00", "%E0%A4%A"]) expect(safeSegments(bad)).toBeUndefined();
});

test("the live-reload client goes before </body>, or at the end without one", () => {
  expect(injectLiveReload("<html><body>x</BODY></html>")).toMatch(/^<html><body>x<script data-openclaw-live-reload>.*<\/script><\/BODY><\/html>$/);
  expect(injectLiveReload("<h1>x</h1>")).toStartWith("<h1>x</h1><script data-openclaw-live-reload>");
});

function fakeWatch() {
  const state = { started: 0, closed: 0, change: (_file: string) => {} };
  const factory: WatchFactory = (_root, onChange) => {
    state.started += 1;
    state.change = onChange;
    return { close: () => void (state.closed += 1) };
  };
  return { state, factory };
}

async function read(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  return new TextDecoder().decode(value);
}

test("the root is watched only while a viewer is connected; reload reaches every viewer", async () => {
  const { state, factory } = fakeWatch();
  const live = new LiveReload({ root: () => "/r", watch: factory });
  expect(state.started).toBe(0);
  const a = live.subscribe()!;
  const b = live.subscribe()!;
  expect(await read(a)).toContain(": connected");
  expect(await read(b)).toContain(": connected");
  expect(state.started).toBe(1);
  live.reload();
  expect(await read(a)).toBe("event: reload\ndata: 1\n\n");
  expect(await read(b)).toBe("event: reload\ndata: 1\n\n");
  await a.cancel();
  expect(state.closed).toBe(0);
  await b.cancel();
  expect(state.closed).toBe(1);
  expect(live.viewers).toBe(0);
  live.close();
});

test("viewers are bounded, and one that stops reading is dropped instead of buffering without end", async () => {
  const { factory } = fakeWatch();
  const live = new LiveReload({ root: () => "/r", watch: factory });
  const streams = Array.from({ length: MAX_VIEWERS }, () => live.subscribe());
  expect(streams.every(Boolean)).toBe(true);
  expect(live.subscribe()).toBeUndefined();
  // Nobody reads: each reload adds ~20 bytes to every buffer until the 64 KiB cap drops them all.
  for (let i = 0; i < 5000 && live.viewers > 0; i++) live.reload();
  expect(live.viewers).toBe(0);
  expect(live.subscribe()).toBeDefined();
  live.close();
});

test("A2UI assets come from OPENCLAW_A2UI_ROOT when set (no live-reload client in them), else 503 like the reference", async () => {
  const { mkdtempSync, writeFileSync } = await import("node:fs");
  const { tmpdir } = await import("node:os");
  const { join } = await import("node:path");
  const { serveCanvas } = await import("../../src/canvas/host.ts");
  const { AuthThrottle } = await import("../../src/surface/auth-throttle.ts");
  const dir = mkdtempSync(join(tmpdir(), "a2ui-"));
  writeFileSync(join(dir, "a2ui.bundle.js"), "export const a2ui = 1;");
  writeFileSync(join(dir, "index.html"), "<body>renderer</body>");
  let env: Record<string, string> = {};
  const host = {
    settings: () => canvasSettings({}, dir, env),
    auth: () => ({ mode: "token" as const, token: "t" }),
    authRequired: () => false,
    capabilityValid: () => false,
    throttle: new AuthThrottle(undefined),
    live: new LiveReload({ root: () => dir, watch: fakeWatch().factory }),
  };
  const get = (path: string) => serveCanvas(host, new Request(`http://127.0.0.1${path}`), new URL(`http://127.0.0.1${path}`), "127.0.0.1");
  const missing = await get("/__openclaw__/a2ui/a2ui.bundle.js");
  expect(missing.status).toBe(503);
  env = { OPENCLAW_A2UI_ROOT: dir };
  const bundle = await get("/__openclaw__/a2ui/a2ui.bundle.js");
  expect(bundle.status).toBe(200);
  expect(bundle.headers.get("content-type")).toBe("text/javascript; charset=utf-8");
  expect(bundle.headers.get("content-security-policy")).toEndWith("sandbox allow-scripts");
  expect(await bundle.text()).toBe("export const a2ui = 1;");
  expect(await (await get("/__openclaw__/a2ui/")).text()).toBe("<body>renderer</body>");
  expect((await get("/__openclaw__/a2ui/%2e%2e%2fa2ui.bundle.js")).status).toBe(400);
  host.live.close();
});

test("the gateway loads the host lazily: surface.ts imports host, live, listen and files only dynamically", async () => {
  const source = await Bun.file(new URL("../../src/canvas/surface.ts", import.meta.url)).text();
  const staticImports = [...source.matchAll(/^import [^;]*? from "([^"]+)";/gm)].filter((m) => !m[0].startsWith("import type")).map((m) => m[1]);
  expect(staticImports.sort()).toEqual(["../protocol/errors.ts", "../surface/http.ts", "../surface/net.ts", "./settings.ts"]);
});

test("capabilities expire after the reference's 10 minutes (injected clock), one per connection, revoked on demand", async () => {
  const { Capabilities, CAP_TTL_MS, baseUrlOf, splitCapabilityPath } = await import("../../src/canvas/capability.ts");
  let now = 1_000;
  const caps = new Capabilities(() => now);
  const first = caps.mint("conn-1", "http://127.0.0.1:1");
  const token = splitCapabilityPath(new URL(first.url).pathname)!.token;
  expect(first.expiresAtMs).toBe(1_000 + CAP_TTL_MS);
  expect(caps.valid(token)).toBe(true);
  now += CAP_TTL_MS - 1;
  expect(caps.valid(token)).toBe(true);
  now += 1;
  expect(caps.valid(token)).toBe(false);
  const again = caps.refresh("conn-1")!;
  expect(caps.size).toBe(1);
  caps.revoke("conn-1");
  expect(caps.valid(splitCapabilityPath(new URL(again.url).pathname)!.token)).toBe(false);
  expect(caps.refresh("conn-1")).toBeUndefined();
  expect(splitCapabilityPath("/__openclaw__/cap/short/x")).toBeUndefined();
  expect(splitCapabilityPath(`/__openclaw__/cap/${"a".repeat(24)}/__openclaw__/canvas/x`)).toEqual({ prefix: `/__openclaw__/cap/${"a".repeat(24)}`, token: "a".repeat(24), rest: "/__openclaw__/canvas/x" });
  expect(baseUrlOf("127.0.0.1:18789", false)).toBe("http://127.0.0.1:18789");
  expect(baseUrlOf("gw.example:443", true)).toBe("https://gw.example");
  expect(baseUrlOf("evil/path", false)).toBeUndefined();
  expect(baseUrlOf(undefined, false)).toBeUndefined();
});

test("the default root follows agents.defaults.workspace; an explicit root wins", () => {
  expect(canvasSettings({ agents: { defaults: { workspace: "/w" } } }, STATE, {}).root).toBe("/w/canvas");
  expect(canvasSettings({ agents: { defaults: { workspace: "/w" } }, canvasHost: { root: "/c" } }, STATE, {}).root).toBe("/c");
});
