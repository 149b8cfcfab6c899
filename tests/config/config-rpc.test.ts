// Config writes over RPC: once a file exists, config.set/patch/apply need the baseHash from config.get
// (missing or stale → the reference's INVALID_REQUEST, file untouched), and answer the reference's
// fields. config.schema has the reference's ConfigSchemaResponse shape.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { readFileSync, rmSync } from "node:fs";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator, type TestSocket } from "../helpers/ws.ts";

const REQUIRED = "config base hash required; re-run config.get and retry";
const STALE = "config changed since last load; re-run config.get and retry";

let gw: SpawnedGateway;
let admin: TestSocket;
beforeAll(async () => {
  // reload off: the test drives every change through RPC, the watcher must not race it.
  gw = await spawnGateway({ config: { gateway: { reload: { mode: "off" } }, logging: { level: "info" } } });
  admin = await connectOperator(gw.url, gw.token, ["operator.admin"]);
});
afterAll(async () => {
  admin?.close();
  await stopAllGateways();
});

const hash = async (): Promise<string> => (await admin.request("config.get", {})).payload.hash;
const fileText = () => readFileSync(gw.configPath, "utf8");

describe("baseHash guards every write once the file exists", () => {
  test.each([
    ["config.set", { raw: "{}" }],
    ["config.patch", { raw: '{ logging: { level: "debug" } }' }],
    ["config.apply", { raw: "{}" }],
  ])("%s without baseHash is refused and the file (token included) is untouched", async (method, params) => {
    const before = fileText();
    const res = await admin.request(method, params);
    expect(res.ok).toBe(false);
    expect(res.error).toMatchObject({ code: "INVALID_REQUEST", message: REQUIRED });
    expect(fileText()).toBe(before);
    expect(before).toContain(gw.token);
  });

  test.each(["config.set", "config.patch", "config.apply"])("%s with a stale or blank baseHash is refused", async (method) => {
    const before = fileText();
    const stale = await admin.request(method, { raw: "{}", baseHash: "0".repeat(64) });
    expect(stale.error).toMatchObject({ code: "INVALID_REQUEST", message: STALE, details: { code: "CONFIG_BASE_HASH_MISMATCH" } });
    const blank = await admin.request(method, { raw: "{}", baseHash: "  " });
    expect(blank.error).toMatchObject({ code: "INVALID_REQUEST", message: REQUIRED });
    expect(fileText()).toBe(before);
  });

  test("config.set with the current baseHash replaces the file; the answer is {ok, path, hash, config} with secrets redacted", async () => {
    const next = { gateway: { mode: "local", port: gw.port, auth: { token: gw.token }, reload: { mode: "off" } }, logging: { file: gw.logFile, level: "warn" } };
    const res = await admin.request("config.set", { raw: JSON.stringify(next), baseHash: await hash() });
    expect(res.ok).toBe(true);
    // Not expect.stringMatching inside toMatchObject: Bun 1.4.5 then replaces the received value.
    expect(res.payload).toMatchObject({ ok: true, path: gw.configPath });
    expect(res.payload.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(res.payload.config).toMatchObject({ gateway: { mode: "local", auth: { token: "__OPENCLAW_REDACTED__" } }, logging: { level: "warn" } });
    expect(JSON.stringify(res.payload)).not.toContain(gw.token);
    const current = await hash();
    expect(res.payload.hash).toBe(current);
    expect(JSON.parse(fileText()).logging.level).toBe("warn");
  });

  test("config.patch answers changedPaths and the restart sentinel; an unchanged patch is a noop", async () => {
    const res = await admin.request("config.patch", { raw: '{ logging: { level: "debug" } }', baseHash: await hash(), note: "louder logs", sessionKey: "agent:main:main" });
    expect(res.ok).toBe(true);
    const current = await hash();
    expect(res.payload).toMatchObject({
      ok: true,
      path: gw.configPath,
      hash: current,
      config: { logging: { level: "debug" } },
      changedPaths: ["logging.level"],
      sentinel: {
        persisted: false,
        payload: {
          kind: "config-patch",
          status: "ok",
          ts: expect.any(Number),
          sessionKey: "agent:main:main",
          message: "louder logs",
          doctorHint: expect.any(String),
          stats: { mode: "config.patch", root: gw.configPath, requiresRestart: false },
        },
      },
    });
    expect(res.payload.restart).toBeUndefined();

    const again = await admin.request("config.patch", { raw: '{ logging: { level: "debug" } }', baseHash: await hash() });
    expect(again.payload).toMatchObject({ ok: true, noop: true, changedPaths: [], path: gw.configPath, config: { logging: { level: "debug" } } });
  });

  test("config.apply answers config and the sentinel, without changedPaths", async () => {
    const current = JSON.parse(fileText());
    current.logging.level = "info";
    const res = await admin.request("config.apply", { raw: JSON.stringify(current), baseHash: await hash() });
    expect(res.ok).toBe(true);
    expect(res.payload).toMatchObject({ ok: true, path: gw.configPath, config: { logging: { level: "info" } }, sentinel: { persisted: false, payload: { kind: "config-apply", message: null, stats: { mode: "config.apply" } } } });
    expect(res.payload.changedPaths).toBeUndefined();
  });

  test("with no config file yet, the first write needs no baseHash (and a given one is not checked)", async () => {
    const saved = fileText();
    rmSync(gw.configPath);
    const res = await admin.request("config.patch", { raw: '{ logging: { level: "warn" } }', baseHash: "not-a-hash" });
    expect(res.ok).toBe(true);
    expect(JSON.parse(fileText())).toEqual({ logging: { level: "warn" } });
    // Put the full config back for the tests after this one.
    expect((await admin.request("config.set", { raw: saved, baseHash: await hash() })).ok).toBe(true);
  });
});

describe("config.schema", () => {
  test("has exactly schema, uiHints, version (string) and generatedAt (ISO time)", async () => {
    const { payload } = await admin.request("config.schema", {});
    expect(Object.keys(payload).sort()).toEqual(["generatedAt", "schema", "uiHints", "version"]);
    expect(typeof payload.version).toBe("string");
    expect(payload.version.length).toBeGreaterThan(0);
    expect(new Date(payload.generatedAt).toISOString()).toBe(payload.generatedAt);
    expect(payload.schema).toMatchObject({ type: "object" });
    expect(payload.uiHints["gateway.auth.token"]).toMatchObject({ label: "Token", sensitive: true });
    expect(payload.uiHints["gateway.port"]).toEqual({ label: "Port" });
    for (const hint of Object.values(payload.uiHints) as Record<string, unknown>[]) {
      for (const key of Object.keys(hint)) expect(["label", "help", "sensitive"]).toContain(key);
    }
  });

  test("refuses params, as the reference's closed ConfigSchemaParams does", async () => {
    expect((await admin.request("config.schema", { x: 1 })).error).toMatchObject({ code: "INVALID_REQUEST" });
  });
});
