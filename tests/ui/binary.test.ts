// The release binary (build.ts, `bun build --compile`) carries the Control UI: the client bundle is inlined
// at build time by a macro, so the compiled gateway serves the page without any source file.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { compiledBinary } from "../helpers/binary.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";

let gw: SpawnedGateway;

beforeAll(async () => {
  gw = await spawnGateway({ binary: await compiledBinary() });
}, 180_000);
afterAll(stopAllGateways);

describe("Control UI in the compiled binary", () => {
  test("serves the shell and every asset it links, with the client bundle embedded", async () => {
    const shell = await (await fetch(`${gw.httpUrl}/`)).text();
    const assets = [...shell.matchAll(/(?:href|src)="(\/__openclaw__\/control-ui\/[0-9a-f]+\/[\w.]+)"/g)].map((m) => m[1]!);
    expect(assets.sort()).toEqual(assets.filter((a) => /\/(app\.js|app\.css|icon\.svg)$/.test(a)).sort());
    expect(assets).toHaveLength(3);
    for (const path of assets) {
      const res = await fetch(`${gw.httpUrl}${path}`);
      expect(res.status).toBe(200);
      const body = await res.text();
      if (path.endsWith("app.js")) expect(body).toContain("openclaw-control-ui");
    }
  });
});
