// The channel runtime's pure parts with injected time: 429 retry_after, supervisor back-off, access policy,
// chunking and Markdown, session keys.
import { botView, normalizeBotInfo } from "../../src/channels/telegram/bot-info.ts";
import { expect, test } from "bun:test";
import { decideAccess } from "../../src/channels/access.ts";
import { AccountSupervisor, backoffMs } from "../../src/channels/account.ts";
import { sessionKeyFor } from "../../src/channels/routing.ts";
import { BotApi } from "../../src/channels/telegram/api.ts";
import { telegramAccounts } from "../../src/channels/telegram/config.ts";
import { chunkText, markdownToTelegramHtml } from "../../src/channels/text.ts";
import type { AccessSettings, ChannelPlugin, InboundMessage } from "../../src/channels/types.ts";
import { startTelegramStandIn } from "./telegram-stand-in.ts";

test("a 429 waits parameters.retry_after through the injected sleep, then succeeds", async () => {
  const tg = startTelegramStandIn({ "1:t": { id: 1, username: "b", first_name: "B" } });
  try {
    const waits: number[] = [];
    const api = new BotApi({ token: "1:t", apiRoot: tg.url, sleep: async (ms) => void waits.push(ms) });
    tg.failNext("sendMessage", { status: 429, description: "Too Many Requests: retry after 7", retryAfter: 7, times: 2 });
    const sent = await api.call("sendMessage", { chat_id: 5, text: "hi" });
    expect(sent.text).toBe("hi");
    expect(waits).toEqual([7000, 7000]);
    expect(tg.callsOf("sendMessage")).toHaveLength(3);
    // Errors never carry the token (it is part of the URL).
    tg.kill();
    const error = await api.call("getMe").catch((e) => e as Error);
    expect(error.message).toContain("unreachable");
    expect(error.message).not.toContain("1:t");
  } finally {
    tg.kill();
  }
});

test("the supervisor backs off 1 s, 2 s, 4 s … while the transport fails, and resets once connected", async () => {
  const waits: number[] = [];
  let failures = 3;
  let release!: () => void;
  const connected = new Promise<void>((r) => (release = r));
  const plugin = {
    id: "fake",
    create: () => ({
      async run(signal: AbortSignal, onConnected: () => void) {
        if (failures-- > 0) throw new Error("boom");
        onConnected();
        release();
        await new Promise((r) => signal.addEventListener("abort", r));
      },
    }),
  } as unknown as ChannelPlugin;
  const account = telegramAccounts({ botToken: "x" }, {})[0]!;
  const sup = new AccountSupervisor(plugin, account, { stateDir: "/tmp", env: {}, log: { info() {}, warn() {}, debug() {} }, sleep: async (ms) => void waits.push(ms), inbound() {}, admits: () => true, redact() {} });
  sup.start();
  await connected;
  expect(waits).toEqual([1000, 2000, 4000]);
  expect(sup).toMatchObject({ state: "running", connected: true, reconnectAttempts: 0, lastError: null });
  await sup.stop();
  expect(sup.state).toBe("stopped");
  expect(backoffMs(20)).toBe(60_000);
});

const base: AccessSettings = { dmPolicy: "pairing", allowFrom: ["111"], groupPolicy: "allowlist", groupAllowFrom: undefined, groups: undefined };
const dm = (senderId: string): InboundMessage => ({ channel: "telegram", accountId: "default", chatId: senderId, chatType: "direct", senderId, messageId: "1", text: "x", mentioned: false, media: [] });
const group = (senderId: string, mentioned: boolean, chatId = "-5"): InboundMessage => ({ ...dm(senderId), chatId, chatType: "group", mentioned });

/** The pairing store as decideAccess sees it; `unread` fails the test when a decision reads it needlessly. */
const paired = (...ids: string[]) => () => ids;
const unread = (): string[] => {
  throw new Error("pairing store read for a message whose decision does not depend on it");
};

test("DM policies: pairing, allowlist, open (needs *), disabled", () => {
  expect(decideAccess(dm("111"), base, unread).action).toBe("process");
  expect(decideAccess(dm("222"), base, paired()).action).toBe("pair");
  expect(decideAccess(dm("222"), base, paired("222")).action).toBe("process");
  expect(decideAccess(dm("222"), { ...base, dmPolicy: "allowlist" }, unread).action).toBe("drop");
  expect(decideAccess(dm("222"), { ...base, dmPolicy: "open" }, unread).action).toBe("drop");
  expect(decideAccess(dm("222"), { ...base, dmPolicy: "open", allowFrom: ["*"] }, unread).action).toBe("process");
  expect(decideAccess(dm("111"), { ...base, dmPolicy: "disabled" }, unread).action).toBe("drop");
});

test("groups: allowlisted groups only, senders from groupAllowFrom or allowFrom (never pairing), mention gating", () => {
  expect(decideAccess(group("111", true), base, unread).action).toBe("drop"); // no groups configured
  const groups = { ...base, groups: { "-5": { requireMention: true }, "-6": { requireMention: false, groupPolicy: "open" as const } } };
  expect(decideAccess(group("111", false), groups, unread).action).toBe("drop");
  expect(decideAccess(group("111", true), groups, unread).action).toBe("process");
  expect(decideAccess(group("222", true), groups, unread).action).toBe("drop");
  expect(decideAccess(group("222", false, "-6"), groups, unread).action).toBe("process");
  expect(decideAccess(group("111", true, "-7"), groups, unread).action).toBe("drop");
});

test("session keys follow session.dmScope and groups stay per group", () => {
  expect(sessionKeyFor({} as any, "main", dm("9"))).toBe("agent:main:main");
  expect(sessionKeyFor({ session: { dmScope: "per-channel-peer" } } as any, "main", dm("9"))).toBe("agent:main:telegram:direct:9");
  expect(sessionKeyFor({ session: { dmScope: "per-account-channel-peer" } } as any, "main", dm("9"))).toBe("agent:main:telegram:default:direct:9");
  expect(sessionKeyFor({} as any, "main", group("9", true, "-100"))).toBe("agent:main:telegram:group:-100");
  expect(sessionKeyFor({} as any, "main", { ...group("9", true, "-100"), threadId: "42" })).toBe("agent:main:telegram:group:-100:topic:42");
});

test("chunks stay under the limit, split on word breaks, and reopen a code fence they cut", () => {
  const text = Array.from({ length: 3000 }, (_, i) => `word${i}`).join(" ");
  const chunks = chunkText(text, 4096);
  expect(chunks.every((c) => c.length <= 4096)).toBe(true);
  expect(chunks.join(" ")).toBe(text);
  const code = "```js\n" + "x = 1;\n".repeat(1000) + "```";
  const parts = chunkText(code, 4096);
  expect(parts.length).toBeGreaterThan(1);
  for (const p of parts) expect((p.match(/```/g) ?? []).length % 2).toBe(0);
});

test("Markdown becomes Telegram HTML; everything else is escaped", () => {
  expect(markdownToTelegramHtml("**bold** and *it* `a<b` [x](https://e.x/?a=1&b=2) 1 < 2")).toBe('<b>bold</b> and <i>it</i> <code>a&lt;b</code> <a href="https://e.x/?a=1&amp;b=2">x</a> 1 &lt; 2');
  expect(markdownToTelegramHtml("```py\nprint('<')\n```")).toBe('<pre><code class="language-py">print(\'&lt;\')</code></pre>');
});

test("accounts: the root is `default`, accounts inherit access and replace groups; a missing token is a problem, not a crash", () => {
  const accounts = telegramAccounts({ botToken: "1:a", dmPolicy: "allowlist", allowFrom: ["tg:5"], groups: { "*": {} }, accounts: { work: { botToken: "2:b", groups: {} } } }, {});
  expect(accounts.map((a) => a.accountId)).toEqual(["default", "work"]);
  expect(accounts[1]!.access).toMatchObject({ dmPolicy: "allowlist", allowFrom: ["5"], groups: {} });
  const none = telegramAccounts({}, {})[0]!;
  expect(none.problem).toContain("botToken");
  expect(telegramAccounts({}, { TELEGRAM_BOT_TOKEN: "3:c" })[0]!.problem).toBeUndefined();
});

test("the surface's method list is exactly what methods.ts implements (the handlers load lazily)", async () => {
  const { CHANNEL_METHODS } = await import("../../src/channels/surface.ts");
  const { channelsMethods } = await import("../../src/channels/methods.ts");
  expect(Object.keys(channelsMethods(async () => undefined)).sort()).toEqual([...CHANNEL_METHODS].sort());
});

test("queue modes: steer/followup run waiting messages one by one, collect merges them, interrupt aborts for the newest", async () => {
  const { SessionLanes, queueMode, QUEUE_CAP } = await import("../../src/channels/queue.ts");
  const runs: string[][] = [];
  const aborted: string[] = [];
  const releases: Array<() => void> = [];
  const lanes = new SessionLanes<string>(
    (_key, items) => {
      runs.push(items);
      return new Promise<void>((resolve) => releases.push(resolve));
    },
    (key) => aborted.push(key),
  );
  const finishNext = async () => {
    releases.shift()!();
    for (let i = 0; i < 5; i++) await Promise.resolve();
  };
  lanes.submit("k", "a", "followup");
  lanes.submit("k", "b", "followup");
  lanes.submit("k", "c", "followup");
  expect(runs).toEqual([["a"]]);
  await finishNext();
  expect(runs).toEqual([["a"], ["b"]]);
  await finishNext();
  await finishNext();
  expect(runs.at(-1)).toEqual(["c"]);
  expect(lanes.size).toBe(0);

  runs.length = 0;
  lanes.submit("k", "1", "collect");
  lanes.submit("k", "2", "collect");
  lanes.submit("k", "3", "collect");
  await finishNext();
  expect(runs).toEqual([["1"], ["2", "3"]]);
  await finishNext();

  runs.length = 0;
  lanes.submit("k", "x", "interrupt");
  lanes.submit("k", "y", "interrupt");
  lanes.submit("k", "z", "interrupt");
  expect(aborted).toEqual(["k", "k"]);
  await finishNext();
  expect(runs).toEqual([["x"], ["z"]]);
  await finishNext();

  for (let i = 0; i < QUEUE_CAP + 6; i++) lanes.submit("big", String(i), "followup");
  expect(lanes.dropped).toBe(5);

  expect(queueMode({}, "telegram")).toBe("steer");
  expect(queueMode({ messages: { queue: { mode: "collect", byChannel: { telegram: "interrupt" } } } }, "telegram")).toBe("interrupt");
});

test("a photo of a user turn reaches each wire format as an image part", async () => {
  const { startStandIn } = await import("../agents/stand-in.ts");
  const { streamWithFallback } = await import("../../src/agents/providers/index.ts");
  const standIn = startStandIn();
  try {
    const image = { mime: "image/png", data: Buffer.from([1, 2, 3]).toString("base64") };
    const formats = [
      ["openai-completions", `${standIn.url}/v1`],
      ["openai-responses", `${standIn.url}/v1`],
      ["anthropic-messages", standIn.url],
    ] as const;
    for (const [api, baseUrl] of formats) {
      const target = { ref: "p/m", providerId: "p", modelId: "m", provider: { baseUrl, apiKey: "k", api } } as any;
      await streamWithFallback([target], { messages: [{ role: "user", content: "look", images: [image] }] }, { signal: new AbortController().signal }, () => {}, () => {});
    }
    const [completions, responses, anthropic] = standIn.requests.map((r) => r.body);
    expect(completions.messages.at(-1).content).toEqual([{ type: "text", text: "look" }, { type: "image_url", image_url: { url: "data:image/png;base64,AQID" } }]);
    expect(responses.input.at(-1).content).toEqual([{ type: "input_text", text: "look" }, { type: "input_image", image_url: "data:image/png;base64,AQID" }]);
    expect(anthropic.messages.at(-1).content).toEqual([{ type: "image", source: { type: "base64", media_type: "image/png", data: "AQID" } }, { type: "text", text: "look" }]);
  } finally {
    standIn.stop();
  }
});

test("backpressure: a full account makes the transport wait until answered messages free room", async () => {
  const { MAX_ADMITTED } = await import("../../src/channels/account.ts");
  const account = telegramAccounts({ botToken: "x" }, {})[0]!;
  const sup = new AccountSupervisor({ id: "fake" } as ChannelPlugin, account, { stateDir: "/tmp", env: {}, log: { info() {}, warn() {}, debug() {} }, sleep: async () => {}, inbound() {}, admits: () => true, redact() {} });
  for (let i = 0; i < MAX_ADMITTED; i++) sup.admit();
  expect(sup.room()).toBe(0);
  let resumed = false;
  const waiting = sup.waitForRoom(new AbortController().signal).then(() => (resumed = true));
  await Promise.resolve();
  expect(resumed).toBe(false);
  sup.release(3);
  await waiting;
  expect(sup.room()).toBe(3);
});

test("probe botInfo: every documented getMe flag present (absent ones false), the camelCase view keeps null for unknown", () => {
  const me = { id: 7, is_bot: true, first_name: "B", username: "b_bot", can_join_groups: true, supports_inline_queries: false };
  expect(normalizeBotInfo(me)).toEqual({
    id: 7, is_bot: true, first_name: "B", username: "b_bot",
    can_join_groups: true, can_read_all_group_messages: false, can_manage_bots: false, supports_inline_queries: false,
    supports_join_request_queries: false, can_connect_to_business: false, has_main_web_app: false, has_topics_enabled: false,
    allows_users_to_create_topics: false,
  });
  expect(Object.keys(normalizeBotInfo(me)!).slice(0, 4)).toEqual(["id", "is_bot", "first_name", "username"]);
  expect(botView(me)).toMatchObject({ canJoinGroups: true, canManageBots: null, supportsInlineQueries: false });
  expect(normalizeBotInfo({ id: 7, is_bot: false, first_name: "x", username: "y" })).toBeUndefined();
});
