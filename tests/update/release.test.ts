// The release folder rules (base URL order, asset names, SHA256SUMS lines, version order) and the
// `update.status` RPC on a real gateway against a manifest served on 127.0.0.1.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { GatewayHandle } from "../../src/server/gateway.ts";
import { assetName, compareVersions, expectedSha256, releaseBaseUrl, download } from "../../src/update/release.ts";
import { updateSurface } from "../../src/update/surface.ts";
import { startInProcessGateway, stopInProcessGateways } from "../helpers/in-process.ts";
import { connectParams, handshake } from "../helpers/ws.ts";

describe("release rules", () => {
  test("base URL: OPENCLAW_UPDATE_BASE_URL, else OPENCLAW_INSTALL_BASE_URL, else the project's latest release", () => {
    expect(releaseBaseUrl({ OPENCLAW_UPDATE_BASE_URL: "http://a/x/", OPENCLAW_INSTALL_BASE_URL: "http://b" })).toEqual({ url: "http://a/x", source: "OPENCLAW_UPDATE_BASE_URL" });
    expect(releaseBaseUrl({ OPENCLAW_INSTALL_BASE_URL: "http://b/" })).toEqual({ url: "http://b", source: "OPENCLAW_INSTALL_BASE_URL" });
    expect(releaseBaseUrl({}).url).toBe("https://github.com/openclaw-gateway/openclaw-gateway/releases/latest/download");
  });
  test("asset names match install.sh and build.ts", () => {
    expect(assetName("linux", "x64")).toBe("openclaw-linux-x64");
    expect(assetName("darwin", "arm64")).toBe("openclaw-darwin-arm64");
    expect(assetName("win32", "x64")).toBe("openclaw-windows-x64.exe");
  });
  test("SHA256SUMS: text and binary mode lines; a missing entry is undefined", () => {
    const hex = "A".repeat(64);
    expect(expectedSha256(`${hex}  openclaw-linux-x64\n`, "openclaw-linux-x64")).toBe("a".repeat(64));
    expect(expectedSha256(`${hex} *openclaw-linux-x64\n`, "openclaw-linux-x64")).toBe("a".repeat(64));
    expect(expectedSha256(`${hex}  openclaw-linux-x64.bak\n`, "openclaw-linux-x64")).toBeUndefined();
  });
  test("versions: numeric parts, then a release after its pre-releases", () => {
    expect(compareVersions("0.10.0", "0.9.9")).toBe(1);
    expect(compareVersions("1.0.0-beta.2", "1.0.0-beta.10")).toBe(-1);
    expect(compareVersions("1.0.0", "1.0.0-rc.1")).toBe(1);
    expect(compareVersions("v1.2.3", "1.2.3")).toBe(0);
  });
  test("a body over the limit is refused while it streams", async () => {
    const big = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: () => new Response(new ReadableStream({ pull(c) { c.enqueue(new Uint8Array(4096)); } })) });
    try {
      await expect(download(`http://127.0.0.1:${big.port}/x`, 10_000)).rejects.toThrow(/over the 10000-byte limit/);
    } finally {
      big.stop(true);
    }
  });
});

describe("update.status RPC", () => {
  let gw: GatewayHandle;
  let token: string;
  let releases: ReturnType<typeof Bun.serve>;
  beforeAll(async () => {
    releases = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: (r) => (new URL(r.url).pathname === "/rel/manifest-beta.json" ? Response.json({ version: "9.0.0-beta.1" }) : new Response("no", { status: 404 })) });
    ({ gw, token } = await startInProcessGateway({
      config: { update: { channel: "beta" } },
      env: { OPENCLAW_UPDATE_BASE_URL: `http://127.0.0.1:${releases.port}/rel` },
      version: "1.0.0",
      features: (ctx) => [updateSurface(ctx)],
    }));
  });
  afterAll(async () => {
    await stopInProcessGateways();
    releases?.stop(true);
  });

  test("reports the configured channel's latest version against the running one (admin scope)", async () => {
    const { socket } = await handshake(gw.urls[0]!, connectParams({ auth: { token }, scopes: ["operator.admin"] }));
    const res = await socket.request("update.status", {});
    expect(res.ok).toBe(true);
    // The reference's closed UpdateStatusResultSchema: availability or null, never our check's extra fields.
    expect(res.payload).toEqual({ sentinel: null, updateAvailable: { currentVersion: "1.0.0", latestVersion: "9.0.0-beta.1", channel: "beta" }, effectiveChannel: "beta", schedule: { channel: "beta", autoEnabled: false } });
    const stable = await socket.request("update.status", { channel: "stable" });
    expect(stable.payload).toEqual({ sentinel: null, updateAvailable: null, effectiveChannel: "stable", schedule: { channel: "stable", autoEnabled: false } });
    socket.close();
  });

  test("needs operator.admin", async () => {
    const { socket } = await handshake(gw.urls[0]!, connectParams({ auth: { token }, scopes: ["operator.read"] }));
    const res = await socket.request("update.status", {});
    expect(res.ok).toBe(false);
    socket.close();
  });
});
