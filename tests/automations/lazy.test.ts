// A gateway with no automation job and no heartbeat-enabled agent loads none of the scheduler: no store file,
// no croner, no scheduler module, while health and status still report the (disabled) heartbeat and the queue.
import { afterAll, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { spawnGateway, stopAllGateways } from "../helpers/gateway.ts";
import { connectOperator } from "../helpers/ws.ts";

afterAll(stopAllGateways);

test("no job, no heartbeat: nothing of the scheduler is loaded or created", async () => {
  const gw = await spawnGateway();
  const op = await connectOperator(gw.url, gw.token);
  try {
    const health = (await op.request("health")).payload;
    expect(health.agents[0]).toMatchObject({ agentId: "main", heartbeat: { enabled: false, every: "disabled", everyMs: null, target: "owner", ackMaxChars: 300 } });
    expect((await op.request("status")).payload.queuedSystemEvents).toEqual([]);
    expect(existsSync(join(gw.stateDir, "cron"))).toBe(false);
    // Reads load the runtime but create no store: the next start stays as light.
    expect((await op.request("cron.list")).payload).toMatchObject({ jobs: [], total: 0 });
    expect((await op.request("cron.runs", { scope: "all" })).payload).toMatchObject({ entries: [], total: 0 });
    expect((await op.request("last-heartbeat")).payload).toBeNull();
    expect(existsSync(join(gw.stateDir, "cron"))).toBe(false);
  } finally {
    op.close();
  }
});

test("the feature's mount imports neither the store, the scheduler, the runtime nor croner", () => {
  const src = (file: string) => readFileSync(join(import.meta.dir, "..", "..", "src", "automations", file), "utf8");
  const staticImports = (file: string) => [...src(file).matchAll(/^import (?!type)[^;]*from "([^"]+)"/gm)].map((m) => m[1]);
  const mounted = new Set<string>();
  const walk = (file: string) => {
    for (const spec of staticImports(file)) {
      if (!spec!.startsWith("./")) continue;
      const name = spec!.slice(2);
      if (mounted.has(name)) continue;
      mounted.add(name);
      walk(name);
    }
  };
  walk("surface.ts");
  for (const heavy of ["store.ts", "scheduler.ts", "runtime.ts"]) expect(mounted.has(heavy)).toBe(false);
  const valueImportsCroner = ["surface.ts", ...mounted].filter((file) => /^import (?!type)[^;]*from "croner"/m.test(src(file)));
  expect(valueImportsCroner).toEqual([]);
});
