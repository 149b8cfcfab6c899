// One Telegram bot account: getMe, command registration, long polling of getUpdates (offset kept across
// restarts of the same account), inbound normalization with media downloaded to the state dir, and the
// outbound side (chunks as HTML with a plain-text fallback, photos/documents as multipart, typing, edits).
import { nodeCrypto } from "../../platform/node.ts";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { basename, extname, join } from "node:path";
import { readBodyText } from "../../surface/http.ts";
import { NATIVE_COMMANDS } from "../commands.ts";
import { chunkText, markdownToTelegramHtml } from "../text.ts";
import type { AccountContext, AccountTransport, InboundMessage, OutboundMedia, SendRequest, SendResult } from "../types.ts";
import { BotApi, TelegramApiError, type UploadFile } from "./api.ts";
import { botView, normalizeBotInfo } from "./bot-info.ts";

const POLL_TIMEOUT_S = 25;
const MAX_UPLOAD_BYTES = 50 * 1024 * 1024;
const DEFAULT_DOWNLOAD_MB = 20;
/** An update is a few KB; Telegram's own cap on a webhook body is far below this. */
const WEBHOOK_MAX_BYTES = 1024 * 1024;

interface Bot {
  id: number;
  username?: string;
  first_name?: string;
}

export function createTelegramTransport(ctx: AccountContext): AccountTransport {
  const raw = ctx.account.raw as {
    token?: string;
    apiRoot: string;
    proxy?: string;
    customCommands?: Array<{ command: string; description: string }>;
    mediaMaxMb?: number;
    webhook?: { url: string; secret: string; path: string };
  };
  const tokenValue = raw.token ?? "";
  if (tokenValue) ctx.redact(tokenValue);
  const api = new BotApi({
    token: tokenValue,
    apiRoot: raw.apiRoot,
    proxy: raw.proxy,
    sleep: ctx.sleep,
    onRetry: (method, seconds) => ctx.log.warn(`telegram ${method}: 429, retrying after ${seconds}s`),
  });
  let offset: number | undefined;
  let bot: Bot | undefined;
  const maxDownload = Math.max(1, Number(raw.mediaMaxMb ?? DEFAULT_DOWNLOAD_MB)) * 1024 * 1024;
  const mediaDir = join(ctx.stateDir, "media", "inbound");

  async function saveMedia(fileId: string, kind: "image" | "document", name: string | undefined, mime: string | undefined, signal: AbortSignal): Promise<InboundMessage["media"][number] | undefined> {
    try {
      const { bytes, path } = await api.download(fileId, maxDownload, signal);
      mkdirSync(mediaDir, { recursive: true, mode: 0o700 });
      const ext = extname(name ?? path) || (kind === "image" ? ".jpg" : "");
      const file = join(mediaDir, `${crypto.randomUUID()}${ext}`);
      writeFileSync(file, bytes, { mode: 0o600 });
      return { kind, path: file, mime: mime ?? (kind === "image" ? "image/jpeg" : undefined), name, bytes: bytes.length };
    } catch (error) {
      ctx.log.warn(`telegram media download failed: ${(error as Error).message}`);
      return undefined;
    }
  }

  async function normalize(message: any, signal: AbortSignal): Promise<InboundMessage | undefined> {
    if (!message?.chat || !message.from || message.from.is_bot) return undefined;
    const chatType = message.chat.type === "private" ? "direct" : message.chat.type === "group" || message.chat.type === "supergroup" ? "group" : undefined;
    if (!chatType) return undefined;
    const text: string = message.text ?? message.caption ?? "";
    const entities: any[] = message.entities ?? message.caption_entities ?? [];
    const handle = bot?.username ? `@${bot.username.toLowerCase()}` : undefined;
    let mentioned = false;
    let command: string | undefined;
    for (const e of entities) {
      const part = text.slice(e.offset, e.offset + e.length);
      if (e.type === "mention" && handle && part.toLowerCase() === handle) mentioned = true;
      if (e.type === "text_mention" && e.user?.id === bot?.id) mentioned = true;
      if (e.type === "bot_command" && e.offset === 0) {
        const [name, target] = part.slice(1).split("@");
        if (!target || (handle && `@${target.toLowerCase()}` === handle)) command = name!.toLowerCase();
        if (target && handle && `@${target.toLowerCase()}` === handle) mentioned = true;
      }
    }
    if (message.reply_to_message?.from?.id !== undefined && message.reply_to_message.from.id === bot?.id) mentioned = true;
    const photo = Array.isArray(message.photo) && message.photo.length > 0;
    if (!text && !photo && !message.document?.file_id) return undefined;
    const media: InboundMessage["media"] = [];
    const inbound: InboundMessage = {
      channel: "telegram",
      accountId: ctx.account.accountId,
      chatId: String(message.chat.id),
      chatType,
      senderId: String(message.from.id),
      senderName: [message.from.first_name, message.from.last_name].filter(Boolean).join(" ") || undefined,
      senderUsername: message.from.username,
      messageId: String(message.message_id),
      text,
      mentioned,
      threadId: message.is_topic_message && message.message_thread_id !== undefined ? String(message.message_thread_id) : undefined,
      media,
      command,
    };
    // A message nobody will answer (a stranger, a group chat without a mention) never has its media fetched.
    if (!ctx.admits(inbound)) return inbound;
    if (photo) {
      const largest = message.photo[message.photo.length - 1];
      const saved = await saveMedia(largest.file_id, "image", undefined, undefined, signal);
      if (saved) media.push(saved);
    }
    if (message.document?.file_id) {
      const kind = String(message.document.mime_type ?? "").startsWith("image/") ? "image" : "document";
      const saved = await saveMedia(message.document.file_id, kind, message.document.file_name, message.document.mime_type, signal);
      if (saved) media.push(saved);
    }
    return text || media.length > 0 ? inbound : undefined;
  }

  async function upload(media: OutboundMedia): Promise<string | UploadFile> {
    if (media.bytes) return { bytes: media.bytes, filename: media.filename ?? "file", mime: media.mime };
    if (/^https?:\/\//i.test(media.source)) return media.source;
    const size = statSync(media.source).size;
    if (size > MAX_UPLOAD_BYTES) throw new TelegramApiError("upload", 413, `file is larger than ${MAX_UPLOAD_BYTES} bytes`);
    return { bytes: new Uint8Array(readFileSync(media.source)), filename: media.filename ?? basename(media.source), mime: media.mime };
  }

  /** sendMessage as HTML; Telegram's "can't parse entities" falls back to the plain text. */
  async function sendText(chatId: string, text: string, extra: Record<string, unknown>): Promise<any> {
    try {
      return await api.call("sendMessage", { chat_id: chatId, text: markdownToTelegramHtml(text), parse_mode: "HTML", ...extra });
    } catch (error) {
      if (error instanceof TelegramApiError && error.code === 400 && /parse entities|too long/i.test(error.description)) {
        return api.call("sendMessage", { chat_id: chatId, text, ...extra });
      }
      throw error;
    }
  }

  const handleUpdate = async (update: any, signal: AbortSignal): Promise<void> => {
    const inbound = await normalize(update?.message, signal).catch((error) => {
      ctx.log.warn(`telegram update ${update?.update_id} dropped: ${(error as Error).message}`);
      return undefined;
    });
    if (inbound) ctx.inbound(inbound);
  };
  const webhook = raw.webhook;
  let webhookSignal: AbortSignal | undefined;
  let touch: (() => void) | undefined;

  return {
    async run(signal, onConnected) {
      bot = await api.call<Bot>("getMe", {}, { signal, timeoutMs: 15_000 });
      const commands = [...NATIVE_COMMANDS, ...(raw.customCommands ?? [])];
      if (webhook) {
        // Webhook mode: Telegram posts updates to webhookUrl, which reaches the gateway port at webhookPath.
        await api.call("setWebhook", { url: webhook.url, secret_token: webhook.secret, allowed_updates: ["message", "edited_message"] }, { signal });
      } else {
        await api.call("deleteWebhook", { drop_pending_updates: false }, { signal });
      }
      await api.call("setMyCommands", { commands }, { signal }).catch((error) => ctx.log.warn(`telegram setMyCommands failed: ${(error as Error).message}`));
      ctx.log.info(`telegram account ${ctx.account.accountId} connected as @${bot.username ?? bot.id} (${webhook ? `webhook ${webhook.path}` : "polling"})`);
      onConnected();
      if (webhook) {
        webhookSignal = signal;
        touch = onConnected;
        await new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
        webhookSignal = undefined;
        return;
      }
      while (!signal.aborted) {
        // Backpressure: fetch only what the account can take; unfetched updates wait at Telegram.
        await ctx.waitForRoom(signal);
        if (signal.aborted) break;
        const limit = Math.min(100, Math.max(1, ctx.room()));
        const updates = await api.call<any[]>("getUpdates", { offset, limit, timeout: POLL_TIMEOUT_S, allowed_updates: ["message", "edited_message"] }, { signal, timeoutMs: (POLL_TIMEOUT_S + 15) * 1000 });
        for (const update of updates) {
          offset = Math.max(offset ?? 0, Number(update.update_id) + 1);
          await handleUpdate(update, signal);
        }
        onConnected();
      }
    },
    webhook: webhook
      ? {
          path: webhook.path,
          async handle(request) {
            if (request.method !== "POST") return new Response("Method Not Allowed", { status: 405, headers: { allow: "POST" } });
            // Constant-time compare of Telegram's secret header; nothing is read before it matches.
            const given = Buffer.from(request.headers.get("x-telegram-bot-api-secret-token") ?? "");
            const wanted = Buffer.from(webhook.secret);
            if (given.length !== wanted.length || !nodeCrypto().timingSafeEqual(given, wanted)) return new Response("Unauthorized", { status: 401 });
            // Full or stopped: a non-2xx makes Telegram deliver the update again later.
            if (!webhookSignal || webhookSignal.aborted || ctx.room() === 0) return new Response("Service Unavailable", { status: 503 });
            const body = await readBodyText(request, WEBHOOK_MAX_BYTES);
            if (!body.ok) return new Response(body.error, { status: body.status });
            let update: any;
            try {
              update = JSON.parse(body.text);
            } catch {
              return new Response("Bad Request", { status: 400 });
            }
            touch?.();
            // Answer Telegram at once; the update is handled after (a slow download must not cause a redelivery).
            void handleUpdate(update, webhookSignal);
            return new Response("ok");
          },
        }
      : undefined,
    async probe(timeoutMs) {
      const started = performance.now();
      const elapsed = () => Math.round(performance.now() - started);
      try {
        const me = await api.call<Record<string, any>>("getMe", {}, { timeoutMs, maxRetries: 0 });
        // The normalized getMe object and its camelCase view, as the reference's probe reports them.
        const botInfo = normalizeBotInfo(me) ?? me;
        return { ok: true, status: null, error: null, botInfo, bot: botView(me), elapsedMs: elapsed() };
      } catch (error) {
        const status = error instanceof TelegramApiError && error.code > 0 ? error.code : null;
        return { ok: false, status, error: (error as Error).message, elapsedMs: elapsed() };
      }
    },
    async send(request: SendRequest): Promise<SendResult> {
      const ids: string[] = [];
      const extra: Record<string, unknown> = {};
      if (request.threadId) extra.message_thread_id = Number(request.threadId);
      if (request.silent) extra.disable_notification = true;
      let replyTo = request.replyToId ? { message_id: Number(request.replyToId), allow_sending_without_reply: true } : undefined;
      const media = request.media ?? [];
      let text = request.text ?? "";
      for (const [index, item] of media.entries()) {
        const method = item.kind === "image" ? "sendPhoto" : "sendDocument";
        const field = item.kind === "image" ? "photo" : "document";
        const ref = await upload(item);
        const caption = index === 0 && text && text.length <= 1024 ? text : undefined;
        if (caption) text = "";
        const params: Record<string, unknown> = { chat_id: request.chatId, ...extra, ...(replyTo ? { reply_parameters: replyTo } : {}), ...(caption ? { caption } : {}) };
        const sent = typeof ref === "string" ? await api.call(method, { ...params, [field]: ref }) : await api.call(method, { ...params, [field]: `attach://${field}` }, { files: { [field]: ref } });
        replyTo = undefined;
        ids.push(String(sent.message_id));
      }
      // Text past the limit goes out as several messages; only the first replies to anything.
      for (const chunk of text ? chunkText(text, ctx.account.textChunkLimit) : []) {
        const sent = await sendText(request.chatId, chunk, { ...extra, ...(replyTo ? { reply_parameters: replyTo } : {}) });
        replyTo = undefined;
        ids.push(String(sent.message_id));
      }
      return { messageIds: ids, chatId: request.chatId };
    },
    async typing(chatId, threadId) {
      await api.call("sendChatAction", { chat_id: chatId, action: "typing", ...(threadId ? { message_thread_id: Number(threadId) } : {}) }, { timeoutMs: 10_000 }).catch(() => {});
    },
    async edit(chatId, messageId, text) {
      try {
        await api.call("editMessageText", { chat_id: chatId, message_id: Number(messageId), text: markdownToTelegramHtml(text), parse_mode: "HTML" });
      } catch (error) {
        if (error instanceof TelegramApiError && /not modified/i.test(error.description)) return;
        if (error instanceof TelegramApiError && /parse entities/i.test(error.description)) {
          await api.call("editMessageText", { chat_id: chatId, message_id: Number(messageId), text });
          return;
        }
        throw error;
      }
    },
    async remove(chatId, messageId) {
      await api.call("deleteMessage", { chat_id: chatId, message_id: Number(messageId) });
    },
    async logout() {
      await api.call("deleteWebhook", { drop_pending_updates: true });
      offset = undefined;
    },
  };
}
