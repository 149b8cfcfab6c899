// Telegram end to end: the real gateway polling the stand-in Bot API on loopback, the stand-in model answering.
import { afterAll, beforeAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { SpawnedGateway } from "../helpers/gateway.ts";
import type { TestSocket } from "../helpers/ws.ts";
import { agentsConfig } from "../agents/_setup.ts";
import type { StandIn } from "../agents/stand-in.ts";
import type { TelegramStandIn } from "./telegram-stand-in.ts";
import { startTelegramGateway, stopTelegramGateways, untilAccount as untilDefault } from "./_fixture.ts";

const TOKEN = "4242:test-secret-token";
const OWNER = 111;
const GROUP = -100500;
let model: StandIn;
let tg: TelegramStandIn;
let gw: SpawnedGateway;
let rpc: TestSocket;

beforeAll(async () => {
  ({ model, tg, gw, rpc } = await startTelegramGateway({
    bots: { [TOKEN]: { id: 4242, username: "stand_bot", first_name: "Stand" } },
    config: (model, tg) => ({
      ...agentsConfig(model, false),
      // Each test here is one message and its own reply; the default `steer` would fold a message that arrives
      // before the previous reply finished into that turn (tests/channels/steer.test.ts covers steering).
      messages: { queue: { mode: "followup" } },
      channels: { telegram: { botToken: TOKEN, apiRoot: tg.url, dmPolicy: "pairing", allowFrom: [`tg:${OWNER}`], groups: { [GROUP]: { requireMention: true } } } },
    }),
  }));
  // sessions.changed reaches only connections that subscribed (as the reference sends it).
  await rpc.request("sessions.subscribe", {});
});
afterAll(stopTelegramGateways);

/** The bot's messages to a chat after call index `from`. */
const sentTo = (chat: number, from = 0) => tg.calls.slice(from).filter((c) => (c.method === "sendMessage" || c.method === "editMessageText") && Number(c.params.chat_id) === chat);
const replyIn = (chat: number, from: number, contains: string) => tg.waitFor((c) => tg.calls.indexOf(c) >= from && c.method === "sendMessage" && Number(c.params.chat_id) === chat && String(c.params.text).includes(contains));

/** The default account once it satisfies `match`. */
const untilAccount = (match: (a: any) => boolean, timeoutMs?: number) => untilDefault(rpc, match, "default", timeoutMs);

test("the account starts with the gateway: getMe, commands registered, long polling; status shows it connected", async () => {
  expect(tg.callsOf("getMe").length).toBeGreaterThan(0);
  const commands = tg.callsOf("setMyCommands")[0]!.params.commands.map((c: any) => c.command);
  expect(commands).toContain("new");
  expect(Number(tg.callsOf("getUpdates")[0]!.params.timeout)).toBeGreaterThan(0);
  const account = await untilAccount((a) => a.connected);
  expect(account).toMatchObject({ accountId: "default", configured: true, running: true, connected: true, lifecycle: "ready", tokenSource: "config", tokenStatus: "available", mode: "polling" });
  const probed = (await rpc.request("channels.status", { probe: true })).payload;
  expect(probed.channels.telegram).toMatchObject({ configured: true, running: true, tokenSource: "config", mode: "polling", probe: { ok: true, botInfo: { id: 4242, username: "stand_bot" }, bot: { id: 4242, username: "stand_bot" } } });
  expect(probed.channelSystemImages).toEqual({ telegram: "paperplane" });
  const logs = readFileSync(gw.logFile, "utf8") + gw.output();
  expect(logs).not.toContain("test-secret-token");
});

test("a DM from an allowed user gets the model's reply in the same chat, threaded to the message", async () => {
  const from = tg.calls.length;
  const id = tg.message(TOKEN, { from: OWNER, text: "hello there" });
  const reply = await replyIn(OWNER, from, "echo(alpha): hello there");
  expect(reply.params.reply_parameters.message_id).toBe(id);
  expect(reply.params.parse_mode).toBe("HTML");
  expect(tg.calls.slice(from).some((c) => c.method === "sendChatAction" && c.params.action === "typing")).toBe(true);
  // Operators see the conversation: the inbound turn, the run's chat events and the session change.
  await rpc.next((f) => f.event === "session.message" && f.payload.message.role === "assistant" && f.payload.message.content === "echo(alpha): hello there");
  expect(rpc.frames.some((f) => f.event === "session.message" && f.payload.sessionKey === "agent:main:main" && f.payload.message.role === "user" && f.payload.message.content === "hello there")).toBe(true);
  expect(rpc.frames.some((f) => f.event === "chat" && f.payload.state === "final" && f.payload.sessionKey === "agent:main:main")).toBe(true);
  expect(rpc.frames.some((f) => f.event === "sessions.changed" && f.payload.sessionKey === "agent:main:main")).toBe(true);
  const status = await rpc.request("status", {});
  expect(status.payload.channelSummary).toEqual(["Telegram: configured"]);
});

test("native commands are answered by the gateway: /help lists them, /new resets the session, /stop with nothing running says so", async () => {
  const from = tg.calls.length;
  const before = model.requests.length;
  tg.message(TOKEN, { from: OWNER, text: "/help" });
  const help = await replyIn(OWNER, from, "Commands:");
  expect(help.params.text).toContain("/new");
  tg.message(TOKEN, { from: OWNER, text: "/new" });
  await replyIn(OWNER, from, "New session started");
  tg.message(TOKEN, { from: OWNER, text: "/stop@stand_bot" });
  await replyIn(OWNER, from, "Nothing is running.");
  expect(model.requests.length).toBe(before);
});

test("an unknown DM sender gets a pairing code; after `pairing approve` the sender gets replies", async () => {
  const stranger = 222;
  const from = tg.calls.length;
  const before = model.requests.length;
  tg.message(TOKEN, { from: stranger, text: "let me in" });
  const pairing = await replyIn(stranger, from, "Pairing code");
  const code = /Pairing code: ([A-Z2-9]{8})/.exec(pairing.params.text)![1]!;
  expect(code).not.toMatch(/[01OI]/);
  expect(model.requests.slice(before).some((r) => JSON.stringify(r.body).includes("let me in"))).toBe(false);
  // A second message does not create a second code.
  const list = await rpc.request("channels.pairing.list", { channel: "telegram" });
  expect(list.payload.requests).toEqual([expect.objectContaining({ requestId: code, senderId: String(stranger), accountId: "default" })]);
  const approve = await rpc.request("channels.pairing.approve", { channel: "telegram", requestId: code });
  expect(approve.payload).toMatchObject({ requestId: code, senderId: String(stranger) });
  const after = tg.calls.length;
  tg.message(TOKEN, { from: stranger, text: "now?" });
  await replyIn(stranger, after, "echo(alpha): now?");
});

test("in a group, a message without a mention is ignored and one with a mention is answered", async () => {
  const from = tg.calls.length;
  tg.message(TOKEN, { from: OWNER, chatId: GROUP, text: "just chatting" });
  tg.message(TOKEN, { from: OWNER, chatId: GROUP, text: "@stand_bot ping" });
  await replyIn(GROUP, from, "echo(alpha): @stand_bot ping");
  expect(model.requests.some((r) => JSON.stringify(r.body).includes("just chatting"))).toBe(false);
  expect(sentTo(GROUP, from).every((c) => !String(c.params.text).includes("just chatting"))).toBe(true);
});

test("media nobody will answer is never downloaded: a group photo without a mention, a stranger's document", async () => {
  const photo = tg.addFile(new Uint8Array([0xff, 0xd8, 0xff, 9]), "photos/unasked.jpg");
  const junk = tg.addFile(new TextEncoder().encode("junk"), "documents/junk.bin");
  const from = tg.calls.length;
  tg.message(TOKEN, { from: OWNER, chatId: GROUP, photo, caption: "look at this" });
  tg.message(TOKEN, { from: 333, document: { fileId: junk, name: "junk.bin", mime: "application/octet-stream" } });
  tg.message(TOKEN, { from: OWNER, chatId: GROUP, text: "@stand_bot after" });
  // The stranger is still offered pairing; updates are handled in order, so the answer below comes after both.
  await replyIn(333, from, "Pairing code");
  await replyIn(GROUP, from, "echo(alpha): @stand_bot after");
  expect(tg.calls.slice(from).filter((c) => c.method === "getFile")).toEqual([]);
});

test("a 10,000-character reply arrives in chunks of at most 4096, together the whole text", async () => {
  const words = Array.from({ length: 2000 }, (_, i) => `w${i % 10}xyz`).join(" ").slice(0, 10_000);
  const from = tg.calls.length;
  tg.message(TOKEN, { from: OWNER, text: words });
  await tg.waitFor((c) => tg.calls.indexOf(c) >= from && c.method === "sendMessage" && Number(c.params.chat_id) === OWNER && String(c.params.text).endsWith(words.slice(-20)));
  const calls = sentTo(OWNER, from);
  for (const c of calls) expect(String(c.params.text).length).toBeLessThanOrEqual(4096);
  // The preview message (first send) holds the first chunk after its last edit; later sends hold the rest.
  const sends = calls.filter((c) => c.method === "sendMessage");
  const lastEdit = [...calls].reverse().find((c) => c.method === "editMessageText");
  const first = lastEdit ? String(lastEdit.params.text) : String(sends[0]!.params.text);
  const rest = sends.slice(1).map((c) => String(c.params.text));
  const joined = [first, ...rest].join(" ").replace(/\s+/g, " ");
  expect(joined).toBe(`echo(alpha): ${words}`.replace(/\s+/g, " "));
  expect(sends.length).toBeGreaterThanOrEqual(3);
  // The reply streamed: a preview message that was edited as text arrived, then finished as the first chunk.
  expect(lastEdit).toBeDefined();
});

test("a document sent to the bot is saved and its path reaches the model", async () => {
  const fileId = tg.addFile(new TextEncoder().encode("col1,col2\n1,2\n"), "documents/data.csv");
  const from = tg.calls.length;
  tg.message(TOKEN, { from: OWNER, document: { fileId, name: "data.csv", mime: "text/csv" }, caption: "summarize" });
  await replyIn(OWNER, from, "summarize");
  const text = model.requests.at(-1)!.body.messages.at(-1).content;
  const path = /<media:document> (\S+) \(text\/csv\)/.exec(typeof text === "string" ? text : text[0].text)?.[1];
  expect(path).toEndWith(".csv");
  expect(readFileSync(path!, "utf8")).toBe("col1,col2\n1,2\n");
});

test("a photo sent to the bot is downloaded and reaches the model", async () => {
  const fileId = tg.addFile(new Uint8Array([0xff, 0xd8, 0xff, 1, 2, 3]), "photos/file_7.jpg");
  const from = tg.calls.length;
  tg.message(TOKEN, { from: OWNER, photo: fileId, caption: "what is this" });
  await replyIn(OWNER, from, "what is this");
  expect(tg.calls.slice(from).some((c) => c.method === "getFile" && c.params.file_id === fileId)).toBe(true);
  // The model gets the photo itself (an image part of the user turn) and the saved file's path in the text.
  const turn = model.requests.at(-1)!.body.messages.at(-1);
  const [text, image] = turn.content;
  expect(image).toEqual({ type: "image_url", image_url: { url: `data:image/jpeg;base64,${Buffer.from([0xff, 0xd8, 0xff, 1, 2, 3]).toString("base64")}` } });
  const path = /<media:image> (\S+)/.exec(text.text)?.[1];
  expect(path).toBeDefined();
  expect(existsSync(path!)).toBe(true);
  expect([...readFileSync(path!)]).toEqual([0xff, 0xd8, 0xff, 1, 2, 3]);
});

test("a 429 with retry_after delays the reply, which then goes out", async () => {
  tg.failNext("sendMessage", { status: 429, description: "Too Many Requests: retry after 1", retryAfter: 1 });
  const from = tg.calls.length;
  tg.message(TOKEN, { from: OWNER, text: "rate me" });
  await replyIn(OWNER, from, "echo(alpha): rate me");
  // The first attempt was answered 429; the retry after retry_after is a second call with the same text.
  await tg.waitFor((c) => tg.calls.filter((x) => tg.calls.indexOf(x) >= from && x.method === "sendMessage" && String(x.params.text).includes("rate me")).length >= 2);
});

test("send with the same idempotencyKey sends once; media uploads as multipart", async () => {
  const key = crypto.randomUUID();
  const a = await rpc.request("send", { to: `telegram:${OWNER}`, message: "once only", idempotencyKey: key });
  const b = await rpc.request("send", { to: `telegram:${OWNER}`, message: "once only", idempotencyKey: key });
  expect(a.ok).toBe(true);
  expect(b.payload).toEqual(a.payload);
  expect(a.payload).toMatchObject({ runId: key, channel: "telegram", chatId: String(OWNER) });
  const keyless = await rpc.request("send", { to: String(OWNER), message: "no key" });
  expect(keyless.error?.message).toContain("idempotencyKey");
  expect(tg.calls.filter((c) => c.method === "sendMessage" && c.params.text === "once only")).toHaveLength(1);

  mkdirSync(join(gw.stateDir, "media"), { recursive: true });
  const image = join(gw.stateDir, "media", "cat.png");
  writeFileSync(image, new Uint8Array([0x89, 0x50, 0x4e, 0x47, 9, 9]));
  const outside = join(gw.stateDir, "cat.png");
  writeFileSync(outside, "x");
  const refused = await rpc.request("send", { to: String(OWNER), channel: "telegram", mediaUrl: outside, idempotencyKey: crypto.randomUUID() });
  expect(refused.error?.message).toContain("media must be an http(s) URL or a file under");
  const photo = await rpc.request("send", { to: String(OWNER), channel: "telegram", message: "a cat", mediaUrl: image, idempotencyKey: crypto.randomUUID() });
  expect(photo.ok).toBe(true);
  const upload = tg.callsOf("sendPhoto").at(-1)!;
  expect(upload.files.photo).toMatchObject({ filename: "cat.png", size: 6 });
  expect(upload.params.caption).toBe("a cat");

  const long = "z".repeat(5000);
  const chunked = await rpc.request("send", { to: String(OWNER), message: long, idempotencyKey: crypto.randomUUID() });
  expect(chunked.ok).toBe(true);
  const pieces = tg.callsOf("sendMessage").filter((c) => /^z+$/.test(String(c.params.text)));
  expect(pieces.map((c) => String(c.params.text).length)).toEqual([4096, 904]);

  const bad = await rpc.request("send", { to: String(OWNER), idempotencyKey: crypto.randomUUID() });
  expect(bad.error?.code).toBe("INVALID_REQUEST");
});

test("message.action sends, edits and deletes; a repeat with the same key acts once; unsupported actions are refused", async () => {
  const key = crypto.randomUUID();
  const params = { channel: "telegram", action: "send", params: { target: String(OWNER), message: "via action" }, idempotencyKey: key };
  const first = await rpc.request("message.action", params);
  const again = await rpc.request("message.action", params);
  expect(first.payload).toMatchObject({ ok: true, chatId: String(OWNER), receipt: {} });
  expect(again.payload).toEqual(first.payload);
  expect(tg.calls.filter((c) => c.method === "sendMessage" && c.params.text === "via action")).toHaveLength(1);
  const messageId = first.payload.messageId;
  const edit = await rpc.request("message.action", { channel: "telegram", action: "edit", params: { target: String(OWNER), messageId, message: "edited" }, idempotencyKey: crypto.randomUUID() });
  expect(edit.ok).toBe(true);
  expect(tg.callsOf("editMessageText").at(-1)!.params).toMatchObject({ chat_id: String(OWNER), message_id: Number(messageId), text: "edited" });
  const del = await rpc.request("message.action", { channel: "telegram", action: "delete", params: { target: String(OWNER), messageId }, idempotencyKey: crypto.randomUUID() });
  expect(del.payload).toMatchObject({ deleted: true });
  const poll = await rpc.request("message.action", { channel: "telegram", action: "poll", params: { target: String(OWNER) }, idempotencyKey: crypto.randomUUID() });
  expect(poll.error?.message).toContain("poll is not supported");
});

test("killing the Bot API marks the account down; it recovers when the API returns, the gateway serving throughout", async () => {
  await untilAccount((a) => a.connected);
  tg.kill();
  const down = await untilAccount((a) => !a.connected);
  expect(down.lastError).toContain("telegram");
  expect(down.lastError).not.toContain("test-secret-token");
  const health = await rpc.request("health", { probe: true });
  expect(health.ok).toBe(true);
  expect(health.payload.channels.telegram).toMatchObject({ configured: true, connected: false });
  tg.revive();
  await untilAccount((a) => a.connected, 30_000);
  const from = tg.calls.length;
  tg.message(TOKEN, { from: OWNER, text: "back again" });
  await replyIn(OWNER, from, "echo(alpha): back again");
});
