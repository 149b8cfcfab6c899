// SecretRefs beyond gateway auth: a model provider's apiKey and a Telegram account's botToken given as file refs.
// The consumers read the gateway's one runtime snapshot, so `openclaw secrets reload` after rotating the file
// reaches the next provider call and restarts only the Telegram account whose token changed; a broken ref keeps
// the last good values and names its config path; no value reaches the log, the config or `config.get`.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startStandIn, type StandIn } from "../agents/stand-in.ts";
import { untilAccount } from "../channels/_fixture.ts";
import { startTelegramStandIn, type TelegramStandIn } from "../channels/telegram-stand-in.ts";
import { cli } from "../helpers/cli.ts";
import { spawnGateway, stopAllGateways, type SpawnedGateway } from "../helpers/gateway.ts";
import { connectOperator } from "../helpers/ws.ts";

const dir = mkdtempSync(join(tmpdir(), "openclaw-secret-consumers-"));
const keysFile = join(dir, "keys.json");
const KEY_1 = "sk-one-" + crypto.randomUUID();
const KEY_2 = "sk-two-" + crypto.randomUUID();
const TG_A = "2001:alpha-" + crypto.randomUUID().slice(0, 8);
const TG_B = "2002:beta-" + crypto.randomUUID().slice(0, 8);

/** A new private file renamed over the old one (an operator's rotation). */
function writeKeys(data: unknown): void {
  writeFileSync(`${keysFile}.tmp`, JSON.stringify(data), { mode: 0o600 });
  chmodSync(`${keysFile}.tmp`, 0o600);
  renameSync(`${keysFile}.tmp`, keysFile);
}

let model: StandIn;
let tg: TelegramStandIn;
let gw: SpawnedGateway;

beforeAll(async () => {
  model = startStandIn();
  tg = startTelegramStandIn({ [TG_A]: { id: 2001, username: "alpha_bot", first_name: "A" }, [TG_B]: { id: 2002, username: "beta_bot", first_name: "B" } });
  writeKeys({ openai: KEY_1, telegram: TG_A });
  gw = await spawnGateway({
    config: {
      gateway: { http: { endpoints: { chatCompletions: { enabled: true } } } },
      models: { providers: { stand: { baseUrl: `${model.url}/v1`, apiKey: { source: "file", provider: "keys", id: "/openai" }, api: "openai-completions", maxRetries: 0, models: [{ id: "alpha" }] } } },
      agents: { defaults: { model: "stand/alpha" } },
      channels: { telegram: { botToken: { source: "file", provider: "keys", id: "/telegram" }, apiRoot: tg.url, dmPolicy: "pairing" } },
      secrets: { providers: { keys: { source: "file", path: keysFile, mode: "json" } } },
    },
  });
});

afterAll(async () => {
  await stopAllGateways();
  model?.stop();
  tg?.kill();
  rmSync(dir, { recursive: true, force: true });
});

const env = () => ({ OPENCLAW_STATE_DIR: gw.stateDir, HOME: dir });

/** One chat completion through the gateway; returns the Authorization header the provider saw. */
async function providerAuth(): Promise<string | undefined> {
  const before = model.requests.length;
  const res = await fetch(`${gw.httpUrl}/v1/chat/completions`, {
    method: "POST",
    headers: { authorization: `Bearer ${gw.token}`, "content-type": "application/json" },
    body: JSON.stringify({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }),
  });
  expect(res.status).toBe(200);
  await res.text();
  return model.requests.slice(before).at(-1)?.headers.authorization;
}

/** The default Telegram account once it satisfies `match`, seen from a connection of its own. */
async function telegramAccount(match: (account: any) => boolean): Promise<any> {
  const rpc = await connectOperator(gw.url, gw.token);
  try {
    return await untilAccount(rpc, match);
  } finally {
    rpc.close();
  }
}

describe("provider key and Telegram token from one file provider", () => {
  test("at start: the provider call carries the ref's key, the Telegram account runs on the ref's token", async () => {
    expect(await providerAuth()).toBe(`Bearer ${KEY_1}`);
    await telegramAccount((a) => a.connected === true);
    expect(tg.callsOf("getMe", TG_A).length).toBeGreaterThan(0);
  });

  test("rotating only the provider key: the next call uses the new key; the Telegram account is not restarted", async () => {
    const startedAt = (await telegramAccount((a) => a.connected === true)).lastStartAt;
    const getMe = tg.callsOf("getMe", TG_A).length;
    writeKeys({ openai: KEY_2, telegram: TG_A });
    const reload = await cli(["secrets", "reload", "--json"], env());
    expect(reload.code).toBe(0);
    expect(JSON.parse(reload.stdout)).toMatchObject({ ok: true, refs: 2, changedPaths: ["models.providers.stand.apiKey"] });
    expect(await providerAuth()).toBe(`Bearer ${KEY_2}`);
    expect((await telegramAccount(() => true)).lastStartAt).toBe(startedAt);
    expect(tg.callsOf("getMe", TG_A).length).toBe(getMe);
  });

  test("rotating the bot token restarts that account on the new token", async () => {
    const startedAt = (await telegramAccount((a) => a.connected === true)).lastStartAt;
    writeKeys({ openai: KEY_2, telegram: TG_B });
    const reload = await cli(["secrets", "reload", "--json"], env());
    expect(reload.code).toBe(0);
    expect(JSON.parse(reload.stdout).changedPaths).toEqual(["channels.telegram.botToken"]);
    await telegramAccount((a) => a.connected === true && a.lastStartAt !== startedAt);
    expect(tg.callsOf("getMe", TG_B).length).toBeGreaterThan(0);
  }, 20_000);

  test("a broken provider-key ref is isolated: the reload publishes, that owner keeps its last good key (stale) and is named", async () => {
    writeKeys({ telegram: TG_B });
    const broken = await cli(["secrets", "reload", "--json"], env());
    expect(broken.code).toBe(0);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: true, warningCount: 1, warnings: [{ path: "models.providers.stand.apiKey", state: "stale" }] });
    const text = await cli(["secrets", "reload"], env());
    expect(text.code).toBe(0);
    expect(text.stderr).toContain("Warning: secret models.providers.stand.apiKey (file:keys:/openai): /");
    expect(text.stdout).toContain("Secrets reloaded with 1 warning(s)");
    expect(broken.stdout + text.stdout + text.stderr).not.toContain(KEY_2);
    expect(await providerAuth()).toBe(`Bearer ${KEY_2}`);
    writeKeys({ openai: KEY_2, telegram: TG_B });
    expect((await cli(["secrets", "reload"], env())).code).toBe(0);
  });

  test("no value in the log, the config file, or config.get for a read-scoped client", async () => {
    const rpc = await connectOperator(gw.url, gw.token, ["operator.read"]);
    const res = await rpc.request("config.get", {});
    rpc.close();
    expect(res.ok).toBe(true);
    const shown = JSON.stringify(res.payload);
    const stored = readFileSync(gw.configPath, "utf8");
    const log = readFileSync(gw.logFile, "utf8") + gw.output();
    for (const secret of [KEY_1, KEY_2, TG_A, TG_B]) {
      expect(shown).not.toContain(secret);
      expect(stored).not.toContain(secret);
      expect(log).not.toContain(secret);
    }
    expect(shown).toContain('"/openai"');
  });
});

test("a provider key ref that fails at start leaves that provider unavailable (the gateway starts); a reload that resolves it brings it in", async () => {
  const keyFile = join(dir, "late-key.json");
  const g = await spawnGateway({
    config: {
      gateway: { http: { endpoints: { chatCompletions: { enabled: true } } } },
      models: { providers: { stand: { baseUrl: `${model.url}/v1`, apiKey: { source: "file", provider: "late", id: "/key" }, api: "openai-completions", maxRetries: 0, models: [{ id: "alpha" }] } } },
      agents: { defaults: { model: "stand/alpha" } },
      secrets: { providers: { late: { source: "file", path: keyFile } } },
    },
  });
  const chat = () =>
    fetch(`${g.httpUrl}/v1/chat/completions`, { method: "POST", headers: { authorization: `Bearer ${g.token}`, "content-type": "application/json" }, body: JSON.stringify({ model: "openclaw", messages: [{ role: "user", content: "hi" }] }) });
  expect(readFileSync(g.logFile, "utf8")).toContain("SECRETS_OWNER_UNAVAILABLE: secret models.providers.stand.apiKey (file:late:/key)");
  const before = model.requests.length;
  const refused = await chat();
  expect(refused.status).toBeGreaterThanOrEqual(500);
  expect(await refused.text()).toContain("models.providers.stand.apiKey is a SecretRef with no resolved value");
  expect(model.requests.length).toBe(before);
  writeFileSync(keyFile, JSON.stringify({ key: "sk-late" }), { mode: 0o600 });
  const reload = await cli(["secrets", "reload", "--json"], { OPENCLAW_STATE_DIR: g.stateDir, HOME: dir });
  expect(JSON.parse(reload.stdout)).toMatchObject({ ok: true, warningCount: 0, changedPaths: ["models.providers.stand.apiKey"] });
  const ok = await chat();
  expect(ok.status).toBe(200);
  await ok.text();
  expect(model.requests.at(-1)?.headers.authorization).toBe("Bearer sk-late");
  await g.stop();
});

describe("telegramAccounts with refs (unit)", () => {
  test("account and root refs resolve by their own config paths; an unresolved one is a problem naming the path, never a value", async () => {
    const { telegramAccounts } = await import("../../src/channels/telegram/config.ts");
    const ref = (id: string) => ({ source: "file", provider: "keys", id });
    const section: Record<string, unknown> = {
      botToken: ref("/root"),
      webhookUrl: "https://hooks.example.test/tg",
      webhookSecret: ref("/hook"),
      accounts: { work: { botToken: ref("/work"), webhookUrl: "https://hooks.example.test/work", webhookSecret: ref("/work-hook") }, lost: { botToken: ref("/lost") } },
    };
    const values: Record<string, string> = { botToken: "5001:root", webhookSecret: "root_hook", "accounts.work.botToken": "5002:work", "accounts.work.webhookSecret": "work_hook" };
    const accounts = Object.fromEntries(telegramAccounts(section, {}, (path) => values[path]).map((a) => [a.accountId, a]));
    expect(accounts.default!.raw.token).toBe("5001:root");
    expect((accounts.default!.raw.webhook as { secret?: string } | undefined)?.secret).toBe("root_hook");
    expect(accounts.work!.raw.token).toBe("5002:work");
    expect((accounts.work!.raw.webhook as { secret?: string } | undefined)?.secret).toBe("work_hook");
    expect(accounts.lost!.problem).toBe("channels.telegram.accounts.lost.botToken is a SecretRef with no resolved value (run openclaw secrets reload)");
    // A changed token changes the fingerprint (the account restarts); the same token keeps it.
    const again = telegramAccounts(section, {}, (path) => values[path]).find((a) => a.accountId === "work")!;
    expect(again.fingerprint).toBe(accounts.work!.fingerprint);
    const rotated = telegramAccounts(section, {}, (path) => (path === "accounts.work.botToken" ? "5002:new" : values[path])).find((a) => a.accountId === "work")!;
    expect(rotated.fingerprint).not.toBe(accounts.work!.fingerprint);
  });
});

test("`channels list` (config only) reads an env or file bot-token ref locally and never prints the value", async () => {
  const state = mkdtempSync(join(dir, "list-"));
  writeFileSync(join(state, "openclaw.json"), JSON.stringify({ channels: { telegram: { botToken: { source: "env", id: "LIST_BOT_TOKEN" }, accounts: { gone: { botToken: { source: "env", id: "NOT_SET_BOT" } } } } } }));
  const out = await cli(["channels", "list", "--json"], { OPENCLAW_STATE_DIR: state, HOME: state, LIST_BOT_TOKEN: "6001:listed", NOT_SET_BOT: undefined });
  expect(out.code).toBe(0);
  const accounts = JSON.parse(out.stdout).chat.telegram.accounts;
  expect(accounts.find((a: any) => a.accountId === "default")).toMatchObject({ configured: true, tokenSource: "secretRef" });
  expect(accounts.find((a: any) => a.accountId === "gone")).toMatchObject({ configured: false });
  expect(out.stdout).not.toContain("6001:listed");
});

test("plaintext provider key, bot token and webhook secret: config.get for a read-scoped client shows none of them (parsed or raw)", async () => {
  const plain = { key: "sk-plain-" + crypto.randomUUID(), bot: "7001:plain-" + crypto.randomUUID().slice(0, 8), hook: "hook_" + crypto.randomUUID().slice(0, 8) };
  const g = await spawnGateway({
    config: {
      models: { providers: { p: { baseUrl: "https://api.example.test/v1", apiKey: plain.key } } },
      channels: { telegram: { enabled: false, botToken: plain.bot, accounts: { w: { botToken: plain.bot, webhookUrl: "https://x.test/w", webhookSecret: plain.hook } } } },
    },
  });
  const rpc = await connectOperator(g.url, g.token, ["operator.read"]);
  const res = await rpc.request("config.get", {});
  rpc.close();
  expect(res.ok).toBe(true);
  const shown = JSON.stringify(res.payload);
  for (const value of Object.values(plain)) expect(shown).not.toContain(value);
  expect(res.payload.config.models.providers.p.apiKey).toBe("__OPENCLAW_REDACTED__");
  expect(res.payload.config.channels.telegram.accounts.w).toMatchObject({ botToken: "__OPENCLAW_REDACTED__", webhookSecret: "__OPENCLAW_REDACTED__" });
  await g.stop();
});
