// Outbound on an operator's behalf: `send` and `message.action` (send, edit, delete as Telegram supports them).
// Media is an http(s) URL, a base64 buffer, or a file under `<state>/media/`; nothing else on disk is read.
import { existsSync, realpathSync, statSync } from "node:fs";
import { basename, extname, isAbsolute, join } from "node:path";
import { GatewayError } from "../protocol/errors.ts";
import type { DeliveryStatus, DeliveryTarget } from "../agents/methods.ts";
import type { AccountSupervisor } from "./account.ts";
import { sessionKeyFor } from "./routing.ts";
import type { ChannelRuntime } from "./runtime.ts";
import type { InboundMessage, OutboundMedia } from "./types.ts";

const MAX_MEDIA_BYTES = 50 * 1024 * 1024;
/** Base64 of the largest accepted attachment. */
export const MAX_BUFFER_CHARS = Math.ceil((MAX_MEDIA_BYTES * 4) / 3) + 4;
const IMAGE_EXT = new Set([".jpg", ".jpeg", ".png", ".gif", ".webp"]);

export interface SendInput {
  to: string;
  message?: string;
  mediaUrl?: string;
  mediaUrls?: string[];
  buffer?: string;
  filename?: string;
  contentType?: string;
  channel?: string;
  accountId?: string;
  replyToId?: string;
  threadId?: string;
  forceDocument?: boolean;
  silent?: boolean;
}

/** A local media path must resolve (symlinks followed) inside `<state>/media/`. */
function mediaOf(source: string, forceDocument: boolean | undefined, mediaRoot: string): OutboundMedia {
  const remote = /^https?:\/\//i.test(source);
  if (!remote) {
    const inside = isAbsolute(source) && existsSync(source) && existsSync(mediaRoot) && realpathSync(source).startsWith(`${realpathSync(mediaRoot)}/`);
    if (!inside) throw new GatewayError("INVALID_REQUEST", `media must be an http(s) URL or a file under ${mediaRoot} (send local files as buffer): ${source}`);
    const stat = statSync(source);
    if (!stat.isFile()) throw new GatewayError("INVALID_REQUEST", `media is not a file: ${source}`);
    if (stat.size > MAX_MEDIA_BYTES) throw new GatewayError("INVALID_REQUEST", `media larger than ${MAX_MEDIA_BYTES} bytes: ${source}`);
  }
  const path = remote ? new URL(source).pathname : source;
  return { kind: !forceDocument && IMAGE_EXT.has(extname(path).toLowerCase()) ? "image" : "document", source, filename: basename(path) || "file" };
}

/** The account and chat a target names (`telegram:123` selects Telegram when no channel is given). */
function resolveTarget(rt: ChannelRuntime, to: string, channel: string | undefined, accountId: string | undefined): { s: AccountSupervisor; chatId: string } {
  let target = to.trim();
  const prefixed = /^(telegram|tg):(.+)$/i.exec(target);
  if (prefixed && (!channel || channel === "telegram")) {
    channel = "telegram";
    target = prefixed[2]!;
  }
  const s = rt.account(channel, accountId);
  if (!s.configured) throw new GatewayError("INVALID_REQUEST", `${s.plugin.id} account ${s.account.accountId} is not configured: ${s.account.problem}`);
  const chatId = s.plugin.normalizeId(target);
  if (!chatId) throw new GatewayError("INVALID_REQUEST", "invalid send params: to is empty");
  return { s, chatId };
}

export async function sendThrough(rt: ChannelRuntime, p: SendInput): Promise<{ messageId: string | undefined; chatId: string; channel: string; accountId: string }> {
  const { s, chatId } = resolveTarget(rt, p.to, p.channel, p.accountId);
  // An operator's explicit send through a switched-off account is refused as the reference does.
  if (!s.account.enabled) throw new GatewayError("INVALID_REQUEST", `Account "${s.account.accountId}" for channel ${s.plugin.id} is disabled.`);
  const mediaRoot = join(rt.stateDir, "media");
  const media: OutboundMedia[] = [...(p.mediaUrl ? [p.mediaUrl] : []), ...(p.mediaUrls ?? [])].map((m) => mediaOf(m, p.forceDocument, mediaRoot));
  if (p.buffer) {
    const bytes = Uint8Array.from(Buffer.from(p.buffer, "base64"));
    const name = p.filename ?? "file";
    media.push({ kind: !p.forceDocument && (p.contentType?.startsWith("image/") || IMAGE_EXT.has(extname(name).toLowerCase())) ? "image" : "document", source: name, bytes, filename: name, mime: p.contentType });
  }
  if (!p.message?.trim() && media.length === 0) throw new GatewayError("INVALID_REQUEST", "invalid send params: message or media is required");
  let result;
  try {
    result = await s.ensureTransport().send({ chatId, text: p.message, media, replyToId: p.replyToId, threadId: p.threadId, silent: p.silent });
  } catch (error) {
    throw new GatewayError("UNAVAILABLE", `${s.plugin.id} send failed: ${(error as Error).message}`);
  }
  s.lastOutboundAt = Date.now();
  return { messageId: result.messageIds.at(-1), chatId: result.chatId, channel: s.plugin.id, accountId: s.account.accountId };
}

/**
 * The one path agent replies reach chats by (`agent --deliver`, cron announce, heartbeat alerts, hook replies):
 * the reply sent to the target chat (chunked by the transport); never throws. A switched-off account (its own
 * `enabled: false` or its channel's) is refused before any send, with the reference's text.
 */
export async function deliverReply(rt: ChannelRuntime, target: DeliveryTarget, text: string): Promise<DeliveryStatus> {
  try {
    const { s, chatId } = resolveTarget(rt, target.to, target.channel, target.accountId);
    if (!s.account.enabled) return { requested: true, attempted: false, status: "failed", succeeded: false, resultCount: 0, error: `Account "${s.account.accountId}" for channel ${s.plugin.id} is disabled.` };
    const sent = await s.ensureTransport().send({ chatId, text, replyToId: target.replyTo, threadId: target.threadId });
    s.lastOutboundAt = Date.now();
    return { requested: true, attempted: true, status: "sent", succeeded: true, resultCount: sent.messageIds.length };
  } catch (error) {
    return { requested: true, attempted: true, status: "failed", succeeded: false, resultCount: 0, error: (error as Error).message };
  }
}

/** An account id as the reference canonicalizes it (lowercase, runs of other characters to `-`); "" when nothing is left. */
function canonicalAccountId(raw: string): string {
  const lower = raw.trim().toLowerCase();
  const id = /^[a-z0-9][a-z0-9_-]{0,63}$/.test(lower) ? lower : lower.replace(/[^a-z0-9_-]+/g, "-").replace(/^-+/, "").replace(/-+$/, "").slice(0, 64);
  return id === "__proto__" || id === "constructor" || id === "prototype" ? "" : id;
}

/**
 * A caller-named channel and account checked before anything runs (hook delivery), with the reference's texts:
 * the listed account it means, or why it cannot be used. Without an account the channel's default is meant.
 */
export function checkAccount(rt: ChannelRuntime, channel: string, accountId?: string): { ok: true; accountId: string } | { ok: false; error: string } {
  if (!rt.plugin(channel)) return { ok: false, error: `Channel ${channel} is unavailable.` };
  const accounts = rt.accounts(channel);
  if (accountId === undefined) {
    const fallback = rt.defaultAccount(channel);
    const s = accounts.find((a) => a.account.accountId === fallback);
    if (!s) return { ok: false, error: `Channel ${channel} did not resolve an account.` };
    // A switched-off channel (or default account) must not speak for a hook.
    return s.account.enabled ? { ok: true, accountId: s.account.accountId } : { ok: false, error: `Channel ${channel} is unavailable.` };
  }
  const wanted = canonicalAccountId(accountId);
  if (!wanted) return { ok: false, error: `Invalid account ID "${accountId}".` };
  const s = accounts.find((a) => canonicalAccountId(a.account.accountId) === wanted);
  if (!s) return { ok: false, error: `Unknown account "${accountId}" for channel ${channel}.` };
  if (!s.account.enabled) return { ok: false, error: `Account "${s.account.accountId}" for channel ${channel} is disabled.` };
  if (!s.configured) return { ok: false, error: `Account "${s.account.accountId}" for channel ${channel} is not configured.` };
  return { ok: true, accountId: s.account.accountId };
}

/** The session a conversation with a target chat uses: the key an inbound message from that chat would get. */
export function targetSessionKey(rt: ChannelRuntime, config: Record<string, unknown>, agentId: string, target: DeliveryTarget): string {
  const { s, chatId } = resolveTarget(rt, target.to, target.channel, target.accountId);
  // Telegram group and supergroup ids are negative; anything else is a user's DM.
  const message: InboundMessage = { channel: s.plugin.id, accountId: s.account.accountId, chatId, chatType: chatId.startsWith("-") ? "group" : "direct", senderId: chatId, messageId: "0", text: "", mentioned: false, media: [], threadId: target.threadId };
  return sessionKeyFor(config as any, agentId, message);
}

const str = (v: unknown): string | undefined => (typeof v === "string" && v.trim() ? v : typeof v === "number" ? String(v) : undefined);

/** `message.action`: the reference CLI's path for `message send` (and edit/delete where Telegram has them). */
export async function messageAction(rt: ChannelRuntime, p: { channel?: string; action: string; params: Record<string, unknown>; accountId?: string }): Promise<Record<string, unknown>> {
  const a = p.params;
  const to = str(a.target) ?? str(a.to) ?? str(a.chatId);
  if (!to) throw new GatewayError("INVALID_REQUEST", `message.action ${p.action}: target is required`);
  if (p.action === "send") {
    const media = str(a.media) ?? str(a.mediaUrl) ?? str(a.path) ?? str(a.filePath);
    const sent = await sendThrough(rt, {
      to,
      channel: p.channel,
      accountId: p.accountId ?? str(a.accountId),
      message: str(a.message) ?? str(a.text),
      mediaUrl: media && !str(a.buffer) ? media : undefined,
      mediaUrls: Array.isArray(a.mediaUrls) ? a.mediaUrls.filter((m): m is string => typeof m === "string" && m !== media).slice(0, 10) : undefined,
      buffer: str(a.buffer),
      filename: str(a.filename),
      contentType: str(a.contentType),
      replyToId: str(a.replyTo) ?? str(a.replyToId),
      threadId: str(a.threadId),
      forceDocument: a.forceDocument === true,
      silent: a.silent === true,
    });
    return { ok: true, messageId: sent.messageId, chatId: sent.chatId, receipt: {} };
  }
  const { s, chatId } = resolveTarget(rt, to, p.channel, p.accountId);
  if (p.action !== "edit" && p.action !== "delete") throw new GatewayError("INVALID_REQUEST", `message.action: ${p.action} is not supported for ${s.plugin.id} (supported: send, edit, delete)`);
  const messageId = str(a.messageId);
  if (!messageId) throw new GatewayError("INVALID_REQUEST", `message.action ${p.action}: messageId is required`);
  const transport = s.ensureTransport();
  try {
    if (p.action === "edit") {
      const text = str(a.message) ?? str(a.text);
      if (!text) throw new GatewayError("INVALID_REQUEST", "message.action edit: message is required");
      await transport.edit(chatId, messageId, text);
      return { ok: true, messageId, chatId };
    }
    if (p.action === "delete" && transport.remove) {
      await transport.remove(chatId, messageId);
      return { ok: true, messageId, chatId, deleted: true };
    }
  } catch (error) {
    if (error instanceof GatewayError) throw error;
    throw new GatewayError("UNAVAILABLE", `${s.plugin.id} ${p.action} failed: ${(error as Error).message}`);
  }
  throw new GatewayError("INVALID_REQUEST", `message.action: ${p.action} is not supported for ${s.plugin.id} (supported: send, edit, delete)`);
}
