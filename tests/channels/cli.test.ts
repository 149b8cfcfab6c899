// The channel commands against a real gateway polling the stand-in Bot API: channels list|status|add|remove,
// message send (text and --media), pairing list|approve; and what they do once the gateway is stopped.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cli, tempHome } from "../helpers/cli.ts";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import { agentsConfig } from "../agents/_setup.ts";
import type { TelegramStandIn } from "./telegram-stand-in.ts";
import { startTelegramGateway, stopTelegramGateways } from "./_fixture.ts";

const TOKEN = "5151:cli-secret-token";
const OWNER = 321;
let tg: TelegramStandIn;
let gw: SpawnedGateway;
let env: Record<string, string | undefined>;

beforeAll(async () => {
  ({ tg, gw, cliEnv: env } = await startTelegramGateway({
    bots: { [TOKEN]: { id: 5151, username: "cli_bot", first_name: "Cli" } },
    config: (model, tg) => ({ ...agentsConfig(model, false), channels: { telegram: { botToken: TOKEN, apiRoot: tg.url, allowFrom: [String(OWNER)] } } }),
  }));
});
afterAll(stopTelegramGateways);

test("channels list shows the configured account from config, without the token", async () => {
  const out = await cli(["channels", "list"], env);
  expect(out.code).toBe(0);
  expect(out.stdout).toContain("Telegram default: configured, enabled, token config");
  const json = JSON.parse((await cli(["channels", "list", "--json"], env)).stdout);
  expect(json.chat.telegram.accounts[0]).toMatchObject({ accountId: "default", configured: true, enabled: true });
  expect(JSON.stringify(json)).not.toContain("cli-secret-token");
});

test("channels status --probe --json gives the channels.status payload with a getMe probe", async () => {
  const out = await cli(["channels", "status", "--probe", "--json"], env);
  expect(out.code).toBe(0);
  const payload = JSON.parse(out.stdout);
  expect(payload.channelOrder).toEqual(["telegram"]);
  expect(payload.channelAccounts.telegram[0]).toMatchObject({ accountId: "default", running: true, probe: { ok: true, bot: { username: "cli_bot" } } });
  // The reference's shape: getMe normalized with every flag, no access policy or run counters before any run.
  expect(payload.channelAccounts.telegram[0].probe.botInfo).toMatchObject({ can_manage_bots: false, has_topics_enabled: false });
  expect(Object.keys(payload.channelAccounts.telegram[0])).not.toContain("dmPolicy");
  expect(Object.keys(payload.channelAccounts.telegram[0])).not.toContain("busy");
  expect(payload.eventLoop.cpuBreakdown).toMatchObject({ hostCpuCount: expect.any(Number) });
  // Without --probe the answer carries no probe, not even the last one (as the reference answers).
  const plain = JSON.parse((await cli(["channels", "status", "--json"], env)).stdout);
  expect(Object.keys(plain.channelAccounts.telegram[0])).not.toContain("probe");
  expect(Object.keys(plain.channelAccounts.telegram[0])).not.toContain("lastProbeAt");
  expect(plain.channels.telegram.lastProbeAt).toBeNull();
  expect(plain.channels.telegram.probe).toBeUndefined();
  const text = await cli(["channels", "status", "--probe"], env);
  expect(text.stdout).toContain("Telegram default: configured, running, connected");
  expect(text.stdout).toContain("works (@cli_bot)");
});

test("openclaw health and status show the linked channel under its label", async () => {
  const health = await cli(["health", "--verbose"], env);
  expect(health.code).toBe(0);
  // The label comes from the channel; the probe result shown is the last one channels.status took.
  expect(health.stdout).toContain("Telegram: ");
  const status = await cli(["status"], env);
  expect(status.stdout).toMatch(/Channels\s+1 \(telegram\)/);
});

test("message send delivers text, and --media uploads the file", async () => {
  const out = await cli(["message", "send", "--channel", "telegram", "--target", String(OWNER), "--message", "hi from cli", "--json"], env);
  expect(out.code).toBe(0);
  expect(JSON.parse(out.stdout)).toMatchObject({ action: "send", channel: "telegram", dryRun: false, handledBy: "plugin", payload: { ok: true, chatId: String(OWNER), receipt: {} } });
  expect(tg.callsOf("sendMessage").some((c) => c.params.text === "hi from cli")).toBe(true);

  const file = join(gw.stateDir, "report.pdf");
  writeFileSync(file, "%PDF-1.4 tiny");
  const media = await cli(["message", "send", "--target", `telegram:${OWNER}`, "--message", "the report", "--media", file], env);
  expect(media.code).toBe(0);
  const upload = tg.callsOf("sendDocument").at(-1)!;
  expect(upload.files.document).toMatchObject({ filename: "report.pdf", size: 13 });
  expect(upload.params.caption).toBe("the report");
});

test("pairing list and pairing approve admit an unknown sender", async () => {
  const from = tg.calls.length;
  tg.message(TOKEN, { from: 999, text: "hello?" });
  const pairing = await tg.waitFor((c) => tg.calls.indexOf(c) >= from && c.method === "sendMessage" && String(c.params.text).includes("Pairing code"));
  const code = /Pairing code: (\w{8})/.exec(pairing.params.text)![1]!;
  const list = await cli(["pairing", "list", "telegram"], env);
  expect(list.stdout).toContain(code);
  const approve = await cli(["pairing", "approve", "telegram", code], env);
  expect(approve.code).toBe(0);
  expect(approve.stdout).toContain("999");
  const again = await cli(["pairing", "approve", "telegram", code], env);
  expect(again.code).toBe(1);
  const after = tg.calls.length;
  tg.message(TOKEN, { from: 999, text: "am I in" });
  await tg.waitFor((c) => tg.calls.indexOf(c) >= after && c.method === "sendMessage" && String(c.params.text).includes("echo(alpha): am I in"));
});

test("agent --to --deliver runs the turn in that chat's session and sends the reply there", async () => {
  const from = tg.calls.length;
  const out = await cli(["agent", "--to", String(OWNER), "--deliver", "--message", "deliver me", "--json"], env);
  expect(out.code).toBe(0);
  const body = JSON.parse(out.stdout);
  expect(body.deliveryStatus).toMatchObject({ requested: true, attempted: true, status: "sent", succeeded: true, resultCount: 1 });
  expect(body.result.meta.agentMeta.sessionKey).toBe("agent:main:main");
  await tg.waitFor((c) => tg.calls.indexOf(c) >= from && c.method === "sendMessage" && Number(c.params.chat_id) === OWNER && String(c.params.text).includes("echo(alpha): deliver me"));
  const missing = await cli(["agent", "--deliver", "--message", "x"], env);
  expect(missing.code).toBe(1);
  expect(missing.stderr).toContain("--deliver needs --to");
});

test("with the gateway stopped: message send fails at once, channels status falls back to config and says so", async () => {
  await gw.stop();
  const sends = tg.callsOf("sendMessage").length;
  const send = await cli(["message", "send", "--target", String(OWNER), "--message", "nope"], env);
  expect(send.code).not.toBe(0);
  expect(send.stderr).toContain("Send failed");
  expect(tg.callsOf("sendMessage").length).toBe(sends);
  const status = await cli(["channels", "status"], env);
  expect(status.code).toBe(1);
  expect(status.stderr).toContain("Gateway not reachable");
  expect(status.stderr).toContain("config-only");
  expect(status.stdout).toContain("Telegram default: configured");
  const json = JSON.parse((await cli(["channels", "status", "--json"], env)).stdout);
  expect(json).toMatchObject({ gatewayReachable: false, configOnly: true, channelOrder: ["telegram"] });
});

test("channels add and remove edit the config; a blank --account is refused", async () => {
  const { home, cleanup } = tempHome();
  try {
    const local = { HOME: home, OPENCLAW_STATE_DIR: home, NO_COLOR: "1" };
    writeFileSync(join(home, "openclaw.json"), JSON.stringify({ gateway: { mode: "local" } }));
    expect((await cli(["channels", "add", "--channel", "telegram", "--token", "77:abc"], local)).code).toBe(0);
    expect((await cli(["channels", "add", "--channel", "telegram", "--account", "work", "--token", "78:def"], local)).code).toBe(0);
    let config = JSON.parse(readFileSync(join(home, "openclaw.json"), "utf8"));
    expect(config.channels.telegram).toMatchObject({ botToken: "77:abc", accounts: { work: { botToken: "78:def" } } });
    const blank = await cli(["channels", "add", "--channel", "telegram", "--account", " ", "--token", "x"], local);
    expect(blank.code).toBe(1);
    expect(blank.stderr).toContain("--account must not be blank");
    const before = readFileSync(join(home, "openclaw.json"));
    const missing = await cli(["channels", "add", "--channel", "telegram", "--account", "filed", "--token-file", join(home, "no-such-token")], local);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("is not a regular file");
    expect(readFileSync(join(home, "openclaw.json"))).toEqual(before);
    expect((await cli(["channels", "remove", "--channel", "telegram", "--account", "work"], local)).code).toBe(0);
    config = JSON.parse(readFileSync(join(home, "openclaw.json"), "utf8"));
    expect(config.channels.telegram.accounts.work.enabled).toBe(false);
    expect((await cli(["channels", "remove", "--channel", "telegram", "--delete"], local)).code).toBe(0);
    config = JSON.parse(readFileSync(join(home, "openclaw.json"), "utf8"));
    expect(config.channels).toEqual({});
  } finally {
    cleanup();
  }
});
