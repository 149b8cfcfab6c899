// Active-surface filtering (reference runtime model): the gateway resolves only refs on surfaces that are in
// use; an unresolvable ref on a disabled account, on hooks that are off, or on a remote credential nothing dials
// neither blocks the start nor a reload, and is logged as ignored with its path.
import { afterAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { inactiveReason } from "../../src/config/secret-surfaces.ts";
import { cli } from "../helpers/cli.ts";
import { spawnGateway, stopAllGateways } from "../helpers/gateway.ts";

afterAll(() => stopAllGateways());

const missing = (id: string) => ({ source: "env", id });

describe("inactiveReason", () => {
  test("telegram: disabled channel or account, a root token the default account does not inherit, a webhook secret without a webhook", () => {
    const of = (telegram: unknown, path: string) => inactiveReason({ channels: { telegram } }, path, {});
    expect(of({ enabled: false, botToken: {} }, "channels.telegram.botToken")).toBe("channels.telegram.enabled is false");
    expect(of({ accounts: { work: { enabled: false } } }, "channels.telegram.accounts.work.botToken")).toBe("account work is disabled");
    expect(of({ accounts: { work: {} } }, "channels.telegram.accounts.work.botToken")).toBeUndefined();
    expect(of({ botToken: {} }, "channels.telegram.botToken")).toBeUndefined();
    expect(of({ botToken: {}, accounts: { default: { botToken: "x" } } }, "channels.telegram.botToken")).toBe("accounts.default sets its own token");
    expect(of({ webhookSecret: {} }, "channels.telegram.webhookSecret")).toBe("no webhookUrl uses it");
    expect(of({ webhookSecret: {}, webhookUrl: "https://x.test/tg" }, "channels.telegram.webhookSecret")).toBeUndefined();
    expect(of({ accounts: { work: { webhookSecret: {} } } }, "channels.telegram.accounts.work.webhookSecret")).toBe("account work has no webhookUrl");
  });

  test("hooks.token only with hooks.enabled; remote credentials only when something dials a remote or as the last local fallback", () => {
    expect(inactiveReason({ hooks: { enabled: false } }, "hooks.token", {})).toBe("hooks.enabled is not true");
    expect(inactiveReason({ hooks: { enabled: true } }, "hooks.token", {})).toBeUndefined();
    expect(inactiveReason({ gateway: { mode: "remote" } }, "gateway.remote.token", {})).toBeUndefined();
    expect(inactiveReason({ gateway: { remote: { url: "wss://x.test" } } }, "gateway.remote.password", {})).toBeUndefined();
    expect(inactiveReason({ gateway: { mode: "local", auth: { token: "t" } } }, "gateway.remote.token", {})).toContain("gateway.auth.token");
    expect(inactiveReason({ gateway: { mode: "local" } }, "gateway.remote.token", { OPENCLAW_GATEWAY_TOKEN: "t" })).toContain("env variable wins");
    expect(inactiveReason({ gateway: { mode: "local" } }, "gateway.remote.token", {})).toBeUndefined();
    expect(inactiveReason({}, "models.providers.x.apiKey", {})).toBeUndefined();
  });
});

test("unresolvable refs on inactive surfaces neither block the start nor `secrets reload`; each is logged as ignored", async () => {
  const gw = await spawnGateway({
    config: {
      hooks: { enabled: false, token: missing("NOT_SET_HOOK") },
      gateway: { remote: { token: missing("NOT_SET_REMOTE") } },
      channels: { telegram: { accounts: { off: { enabled: false, botToken: missing("NOT_SET_BOT") } } } },
    },
    env: { NOT_SET_HOOK: undefined, NOT_SET_REMOTE: undefined, NOT_SET_BOT: undefined },
  });
  const reload = await cli(["secrets", "reload", "--json"], { OPENCLAW_STATE_DIR: gw.stateDir, HOME: gw.stateDir });
  expect(reload.code).toBe(0);
  expect(JSON.parse(reload.stdout)).toMatchObject({ ok: true, refs: 0 });
  const log = readFileSync(gw.logFile, "utf8");
  for (const path of ["hooks.token", "gateway.remote.token", "channels.telegram.accounts.off.botToken"]) {
    expect(log).toContain(`SECRETS_REF_IGNORED_INACTIVE_SURFACE: ${path} is not resolved`);
  }
  await gw.stop();
});

describe("owner isolation (settle)", () => {
  test("a failing provider key keeps its last good value while its ref is unchanged, goes cold when the ref changed; a gateway-auth failure is strict", async () => {
    const { settle, EMPTY_SECRETS } = await import("../../src/server/secret-owners.ts");
    const { resolveSecrets } = await import("../../src/config/secrets-resolve.ts");
    const config = (id: string) => ({ models: { providers: { a: { apiKey: { source: "env", id } } } }, gateway: { auth: { token: { source: "env", id: "GW_TOKEN" } } } });
    const first = settle(config("KEY_A"), await resolveSecrets(config("KEY_A"), { env: { KEY_A: "v1", GW_TOKEN: "t" } }), EMPTY_SECRETS);
    if (!first.ok) throw new Error("first resolution failed");
    const stale = settle(config("KEY_A"), await resolveSecrets(config("KEY_A"), { env: { GW_TOKEN: "t" } }), first.state);
    expect(stale.ok && [stale.state.values.get("models.providers.a.apiKey"), stale.warnings.map((w) => w.state)]).toEqual(["v1", ["stale"]]);
    const cold = settle(config("KEY_B"), await resolveSecrets(config("KEY_B"), { env: { GW_TOKEN: "t" } }), first.state);
    expect(cold.ok && [cold.state.values.has("models.providers.a.apiKey"), cold.warnings.map((w) => w.state)]).toEqual([false, ["cold"]]);
    const strict = settle(config("KEY_A"), await resolveSecrets(config("KEY_A"), { env: { KEY_A: "v1" } }), first.state);
    expect(strict.ok ? [] : strict.errors.map((e) => e.path)).toEqual(["gateway.auth.token"]);
  });
});
