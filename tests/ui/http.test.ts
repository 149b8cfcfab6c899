// The Control UI over HTTP: the page shell and its client routes, hashed assets with long caching,
// security headers, and 404 when gateway.controlUi.enabled is false (at start and hot).
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator } from "../helpers/ws.ts";

let gw: SpawnedGateway;
let shell: string;
let assetDir: string;

beforeAll(async () => {
  gw = await spawnGateway();
  shell = await (await fetch(`${gw.httpUrl}/`)).text();
  assetDir = /href="(\/__openclaw__\/control-ui\/[0-9a-f]+\/)app\.css"/.exec(shell)?.[1] ?? "";
});
afterAll(stopAllGateways);

function expectPageHeaders(res: Response): void {
  const csp = res.headers.get("content-security-policy") ?? "";
  for (const directive of ["default-src 'none'", "script-src 'self'", "style-src 'self'", "frame-ancestors 'none'", "form-action 'none'", "base-uri 'none'"]) {
    expect(csp).toContain(directive);
  }
  expect(csp).toMatch(/connect-src 'self'/);
  expect(csp).not.toContain("unsafe-inline");
  expect(csp).not.toContain("unsafe-eval");
  expect(res.headers.get("x-frame-options")).toBe("DENY");
  expect(res.headers.get("x-content-type-options")).toBe("nosniff");
  expect(res.headers.get("referrer-policy")).toBe("no-referrer");
}

describe("Control UI HTTP", () => {
  test("GET / serves the shell with CSP, X-Frame-Options DENY, nosniff, no-referrer and no-cache", async () => {
    const res = await fetch(`${gw.httpUrl}/`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-cache");
    expectPageHeaders(res);
    const html = await res.text();
    expect(html).toContain("<title>OpenClaw Control</title>");
    expect(assetDir).not.toBe("");
    // Everything is same-origin and external: no CDN, no inline script or style for the CSP to allow.
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=/);
  });

  test("client routes serve the same shell; other paths and methods stay 404", async () => {
    for (const path of ["/automations", "/channels", "/chat", "/clients", "/devices", "/nodes", "/config", "/logs", "/sessions", "/sessions/agent:main:main", "/logs/"]) {
      const res = await fetch(`${gw.httpUrl}${path}`);
      expect(res.status).toBe(200);
      expect(await res.text()).toBe(shell);
    }
    for (const path of ["/nope", "/api/nope", "/v1/nope", "/assets/nope.js", "/index.html"]) {
      expect((await fetch(`${gw.httpUrl}${path}`)).status).toBe(404);
    }
    for (const method of ["POST", "PUT", "DELETE"]) {
      expect((await fetch(`${gw.httpUrl}/`, { method })).status).toBe(404);
    }
    expect((await fetch(`${gw.httpUrl}/healthz`)).status).toBe(200);
  });

  test("assets live under a content-hashed path with immutable one-year caching, gzip and ETag revalidation", async () => {
    const types: Record<string, string> = { "app.js": "text/javascript", "app.css": "text/css", "icon.svg": "image/svg+xml" };
    for (const [file, type] of Object.entries(types)) {
      const url = `${gw.httpUrl}${assetDir}${file}`;
      const plain = await fetch(url, { headers: { "Accept-Encoding": "identity" }, decompress: false });
      expect(plain.status).toBe(200);
      expect(plain.headers.get("content-type")).toStartWith(type);
      expect(plain.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expectPageHeaders(plain);
      const body = new Uint8Array(await plain.arrayBuffer());
      expect(body.length).toBeGreaterThan(100);
      const etag = plain.headers.get("etag");
      expect(etag).toBeTruthy();
      const revalidated = await fetch(url, { headers: { "If-None-Match": etag! } });
      expect(revalidated.status).toBe(304);
      const head = await fetch(url, { method: "HEAD", headers: { "Accept-Encoding": "identity" } });
      expect(head.status).toBe(200);
      expect(head.headers.get("content-length")).toBe(String(body.length));
      if (file === "app.js") {
        const zipped = await fetch(url, { headers: { "Accept-Encoding": "gzip" }, decompress: false });
        expect(zipped.headers.get("content-encoding")).toBe("gzip");
        const compressed = new Uint8Array(await zipped.arrayBuffer());
        expect(compressed.length).toBeLessThan(body.length);
        expect(Bun.gunzipSync(compressed)).toEqual(body);
      }
    }
  });

  test("a stale hash or unknown asset is 404 and never cached", async () => {
    for (const path of ["/__openclaw__/control-ui/0123456789abcdef/app.js", `${assetDir}nope.js`, "/__openclaw__/control-ui/"]) {
      const res = await fetch(`${gw.httpUrl}${path}`);
      expect(res.status).toBe(404);
      expect(res.headers.get("cache-control")).toBe("no-store");
    }
  });

  test("gateway.controlUi.enabled is hot: false → 404 for the page and its assets, true → served again", async () => {
    const admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
    try {
      const set = async (enabled: boolean) => {
        const current = await admin.request("config.get", {});
        const res = await admin.request("config.patch", { raw: JSON.stringify({ gateway: { controlUi: { enabled } } }), baseHash: current.payload.hash });
        expect(res.ok).toBe(true);
        expect(res.payload.restartRequired).toBe(false);
      };
      await set(false);
      for (const path of ["/", "/config", `${assetDir}app.js`]) expect((await fetch(`${gw.httpUrl}${path}`)).status).toBe(404);
      await set(true);
      for (const path of ["/", "/config", `${assetDir}app.js`]) expect((await fetch(`${gw.httpUrl}${path}`)).status).toBe(200);
    } finally {
      admin.close();
    }
  });

  test("gateway.controlUi.enabled: false at start → 404", async () => {
    const off = await spawnGateway({ config: { gateway: { controlUi: { enabled: false } } } });
    for (const path of ["/", "/logs", `${assetDir}app.js`]) expect((await fetch(`${off.httpUrl}${path}`)).status).toBe(404);
    expect((await fetch(`${off.httpUrl}/healthz`)).status).toBe(200);
    await off.stop();
  });

  test("the gateway loads the page module lazily: surface.ts imports assets.ts only dynamically", async () => {
    const source = await Bun.file(join(import.meta.dir, "../../src/ui/surface.ts")).text();
    const imports = new Bun.Transpiler({ loader: "ts" }).scanImports(source);
    const pageModules = imports.filter((i) => /assets|build-client|client\//.test(i.path));
    expect(pageModules).toEqual([{ path: "./assets.ts", kind: "dynamic-import" }]);
  });
});

describe("Devices and Nodes panels", () => {
  test("the bundled page carries both views and the pairing calls they make", async () => {
    const html = await (await fetch(`${gw.httpUrl}/devices`)).text();
    const src = /<script[^>]*src="([^"]+app\.js)"/.exec(html)?.[1];
    expect(src).toBeTruthy();
    const js = await (await fetch(`${gw.httpUrl}${src}`)).text();
    for (const needle of ["device.pair.list", "device.pair.approve", "device.pair.reject", "device.token.revoke", "node.list", "node.pair.approve", "Pending requests", "Paired devices"]) {
      expect(js).toContain(needle);
    }
  });
});
