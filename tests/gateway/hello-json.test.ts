// hello-ok is spliced from parts serialized once (src/server/hello.ts helloJson): it must be byte for byte the
// serialization of the payload buildHello describes, for admin and non-admin callers, with device extras, across
// a health refresh and a presence change, and with a methods table that changes between generations.
import { describe, expect, test } from "bun:test";
import { buildHello, helloJson, type HelloSubject } from "../../src/server/hello.ts";

function fakeCore() {
  let health: Record<string, unknown> = { ok: true, ts: 1, durationMs: 0, channels: {}, modelRuntime: { degraded: false }, eventLoop: { p99: 1.5 } };
  const presence: Record<string, unknown>[] = [{ host: "gw", mode: "gateway", ts: 5 }];
  const core = {
    version: "1.2.3",
    buildId: undefined as string | undefined,
    bootId: "boot-1",
    startedAt: Date.now() - 1000,
    stateVersion: { presence: 3, health: 7 },
    auth: { mode: "token" },
    config: () => ({ hash: "abc", paths: { configPath: "/s/openclaw.json", stateDir: "/s" } }),
    health: async () => health,
    presence: () => presence.map((p) => ({ ...p })),
    refresh: () => (health = { ...health, ts: 2, channels: { t: { ok: "\u2028\"" } } }),
    join: (entry: Record<string, unknown>) => presence.push(entry),
  };
  return core;
}

async function same(core: ReturnType<typeof fakeCore>, methods: Record<string, unknown>, events: string[], subject: HelloSubject) {
  // uptimeMs comes from the clock: both are built in the same millisecond or the comparison is retried.
  for (let i = 0; i < 5; i++) {
    const text = await helloJson(core as never, methods, events, subject);
    const object = await buildHello(core as never, Object.keys(methods), events, subject);
    const expected = JSON.stringify(object);
    if (text === expected) return;
    if (i === 4) expect(text).toBe(expected);
  }
}

describe("hello-ok from cached parts", () => {
  test("byte for byte the serialized payload", async () => {
    const core = fakeCore();
    const methods = { health: 1, status: 1, "config.get": 1 };
    const events = ["tick", "health"];
    const reader: HelloSubject = { connId: "c1", role: "operator", scopes: ["operator.read"], authMethod: "token" };
    const admin: HelloSubject = { connId: "c2", role: "operator", scopes: ["operator.admin"], authMethod: "device-token", extra: { deviceToken: "d", issuedAtMs: 9 } };
    await same(core, methods, events, reader);
    await same(core, methods, events, admin);
    core.refresh();
    core.join({ host: "ui", mode: "ui", ts: 6 });
    core.buildId = "b-7";
    await same(core, methods, events, reader);
    await same(core, { ...methods, "cron.list": 1 }, [...events, "cron"], admin);
    await same(core, methods, ["tick"], admin);
  });
});
