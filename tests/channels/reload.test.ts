// Hot reload of channels.*: an account added, changed or removed starts or stops only that account; access
// settings apply without a restart; a gateway that starts with no channel loads none until one is configured.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws.ts";
import { agentsConfig } from "../agents/_setup.ts";
import type { TelegramStandIn } from "./telegram-stand-in.ts";
import { startTelegramGateway, stopTelegramGateways, untilStatus } from "./_fixture.ts";

const A = "1001:alpha-token";
const B = "1002:beta-token";
let tg: TelegramStandIn;
let gw: SpawnedGateway;
let rpc: TestSocket;

beforeAll(async () => {
  // No channel configured at start: nothing to wait for at the Bot API.
  ({ tg, gw, rpc } = await startTelegramGateway({
    bots: { [A]: { id: 1001, username: "alpha_bot", first_name: "A" }, [B]: { id: 1002, username: "beta_bot", first_name: "B" } },
    config: (model) => agentsConfig(model, false),
    ready: null,
  }));
});
afterAll(stopTelegramGateways);

function editConfig(change: (config: any) => void): void {
  const config = JSON.parse(readFileSync(gw.configPath, "utf8"));
  change(config);
  writeFileSync(gw.configPath, JSON.stringify(config, null, 2));
}

/** The channels.status payload once it satisfies `match`. */
const until = (match: (status: any) => boolean, timeoutMs?: number) => untilStatus(rpc, match, timeoutMs);
const account = (s: any, id: string) => (s.channelAccounts.telegram ?? []).find((a: any) => a.accountId === id);

test("no channel configured: the empty status shape, nothing contacted", async () => {
  const res = await rpc.request("channels.status", { probe: true });
  expect(res.payload).toMatchObject({ channelOrder: [], channels: {}, channelAccounts: {}, channelDefaultAccountId: {}, statusIssues: [] });
  expect(Object.keys(res.payload)).toEqual(["ts", "channelOrder", "channelLabels", "channelDetailLabels", "channelSystemImages", "channelMeta", "eventLoop", "channels", "channelAccounts", "channelDefaultAccountId", "statusIssues"]);
  expect(res.payload.eventLoop).toMatchObject({ degraded: false });
  expect(tg.calls).toHaveLength(0);
  const send = await rpc.request("send", { to: "5", message: "x", idempotencyKey: "k1" });
  expect(send.error?.message).toContain("no channel is configured");
  const agent = await rpc.request("agent", { message: "x", to: "5", deliver: true, idempotencyKey: "k2" });
  expect(agent.error?.message).toContain("no channel is configured");
  const blank = await rpc.request("agent", { message: "x", to: " ", idempotencyKey: "k3" });
  expect(blank.error?.message).toContain("to must not be blank");
});

test("adding, changing and removing accounts restarts only the account concerned", async () => {
  editConfig((c) => (c.channels = { telegram: { botToken: A, apiRoot: tg.url, dmPolicy: "pairing" } }));
  let s = await until((st) => account(st, "default")?.connected);
  const startedAt = account(s, "default").lastStartAt;
  const getMeA = () => tg.callsOf("getMe", A).length;
  const before = getMeA();

  editConfig((c) => (c.channels.telegram.accounts = { work: { botToken: B } }));
  s = await until((st) => account(st, "work")?.connected);
  expect(account(s, "default").lastStartAt).toBe(startedAt);
  expect(getMeA()).toBe(before);

  // Access settings apply in place: no restart, the new policy shows.
  editConfig((c) => ((c.channels.telegram.dmPolicy = "allowlist"), (c.channels.telegram.allowFrom = ["tg:77"])));
  // The reference's account snapshot does not show the access policy, so the new one is seen by its effect:
  // under the old `pairing` policy user 77 would get a pairing code; now the model answers.
  await gw.waitForOutput(/config changed \(file\): [^\n]*channels\.telegram\.allowFrom/);
  const from = tg.calls.length;
  tg.message(A, { from: 77, text: "policy check" });
  const reply = await tg.waitFor((c) => tg.calls.indexOf(c) >= from && c.method === "sendMessage" && Number(c.params.chat_id) === 77);
  expect(String(reply.params.text)).toContain("policy check");
  s = await until((st) => account(st, "default")?.lastInboundAt !== null);
  expect(account(s, "default").dmPolicy).toBeUndefined();
  expect(account(s, "default").lastStartAt).toBe(startedAt);
  expect(getMeA()).toBe(before);

  editConfig((c) => delete c.channels.telegram.accounts);
  s = await until((st) => !account(st, "work"));
  expect(account(s, "default").lastStartAt).toBe(startedAt);

  // A changed token is a transport change: that account restarts (and a rejected token shows as an auth issue).
  editConfig((c) => (c.channels.telegram.botToken = "9:wrong"));
  s = await until((st) => account(st, "default")?.lastError?.includes("401"));
  expect(s.statusIssues).toEqual([expect.objectContaining({ channel: "telegram", accountId: "default", kind: "auth" })]);
  const logs = readFileSync(gw.logFile, "utf8") + gw.output();
  for (const secret of [A, B, "9:wrong"]) expect(logs).not.toContain(secret);
});
