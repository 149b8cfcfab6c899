// RPC methods of the channels feature, over a runtime that exists once a channel is configured:
// channels.status|start|stop|logout, send, channels.pairing.list|approve|dismiss.
import { existsSync, realpathSync, statSync } from "node:fs";
import { basename, extname, isAbsolute, join } from "node:path";
import { z } from "zod";
import { parseParams } from "../methods/_params.ts";
import type { MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";
import { PAIRING_MAX_PENDING, PAIRING_TTL_MS } from "./pairing.ts";
import type { ChannelRuntime } from "./runtime.ts";
import { channelsStatus, emptyChannelsStatus } from "./status.ts";
import type { OutboundMedia } from "./types.ts";

const MAX_MEDIA_BYTES = 50 * 1024 * 1024;
const IMAGE_EXT = new Set([".jpg", ".jpeg", ".png", ".gif", ".webp"]);

const StatusParams = z.object({ probe: z.boolean().optional(), timeoutMs: z.number().int().min(0).optional(), channel: z.string().min(1).optional() }).strict();
const AccountParams = z.object({ channel: z.string().min(1), accountId: z.string().optional() }).strict();
const SendParams = z
  .object({
    to: z.string().min(1),
    message: z.string().max(100_000).optional(),
    mediaUrl: z.string().optional(),
    mediaUrls: z.array(z.string()).max(10).optional(),
    buffer: z.string().max(Math.ceil((MAX_MEDIA_BYTES * 4) / 3) + 4).optional(),
    filename: z.string().optional(),
    contentType: z.string().optional(),
    asVoice: z.boolean().optional(),
    gifPlayback: z.boolean().optional(),
    channel: z.string().optional(),
    accountId: z.string().optional(),
    agentId: z.string().optional(),
    replyToId: z.string().optional(),
    threadId: z.string().optional(),
    forceDocument: z.boolean().optional(),
    silent: z.boolean().optional(),
    parseMode: z.literal("HTML").optional(),
    sessionKey: z.string().optional(),
  })
  .strict();
const PairingListParams = z.object({ channel: z.string().min(1).optional(), accountId: z.string().min(1).optional() }).strict();
const PairingResolveParams = z.object({ channel: z.string().min(1), accountId: z.string().min(1).optional(), requestId: z.string().min(1), notify: z.boolean().optional(), bootstrapCommandOwner: z.boolean().optional() }).strict();

/**
 * A media reference of a send: an http(s) URL, or a file under `<state>/media/` (the gateway reads no other
 * local path for a caller; the CLI sends local files as `buffer`).
 */
function mediaOf(source: string, forceDocument: boolean | undefined, mediaRoot: string): OutboundMedia {
  const remote = /^https?:\/\//i.test(source);
  if (!remote) {
    // realpath on both sides: a symlink under media/ cannot point the gateway at another file.
    const inside = isAbsolute(source) && existsSync(source) && existsSync(mediaRoot) && realpathSync(source).startsWith(`${realpathSync(mediaRoot)}/`);
    if (!inside) throw new GatewayError("INVALID_REQUEST", `media must be an http(s) URL or a file under ${mediaRoot} (send local files as buffer): ${source}`);
    if (!statSync(source).isFile()) throw new GatewayError("INVALID_REQUEST", `media is not a file: ${source}`);
    if (statSync(source).size > MAX_MEDIA_BYTES) throw new GatewayError("INVALID_REQUEST", `media larger than ${MAX_MEDIA_BYTES} bytes: ${source}`);
  }
  const ext = extname(remote ? new URL(source).pathname : source).toLowerCase();
  return { kind: !forceDocument && IMAGE_EXT.has(ext) ? "image" : "document", source, filename: basename(remote ? new URL(source).pathname : source) || "file" };
}

/** The methods; `runtime()` is undefined while no channel is configured (then status is the empty shape). */
export function channelsMethods(runtime: () => Promise<ChannelRuntime | undefined>): MethodFamily {
  const need = async (): Promise<ChannelRuntime> => {
    const rt = await runtime();
    if (!rt) throw new GatewayError("INVALID_REQUEST", "no channel is configured (add one under channels.*, e.g. channels.telegram.botToken)");
    return rt;
  };
  return {
    "channels.status": async (params) => {
      const p = parseParams("channels.status", StatusParams, params);
      const rt = await runtime();
      return rt ? channelsStatus(rt, p) : emptyChannelsStatus();
    },
    "channels.start": async (params) => {
      const p = parseParams("channels.start", AccountParams, params);
      const s = (await need()).account(p.channel, p.accountId);
      if (!s.configured) throw new GatewayError("INVALID_REQUEST", `${p.channel} account ${s.account.accountId} is not configured: ${s.account.problem}`);
      if (s.running && s.state === "backoff") await s.stop(); // an operator start retries now instead of after the back-off
      s.start();
      return { channel: p.channel, accountId: s.account.accountId, started: true };
    },
    "channels.stop": async (params) => {
      const p = parseParams("channels.stop", AccountParams, params);
      const s = (await need()).account(p.channel, p.accountId);
      await s.stop();
      return { channel: p.channel, accountId: s.account.accountId, stopped: true };
    },
    "channels.logout": async (params) => {
      const p = parseParams("channels.logout", AccountParams, params);
      const rt = await need();
      const s = rt.account(p.channel, p.accountId);
      await s.stop();
      await s.transport?.logout?.().catch(() => {});
      rt.pairing.clear(p.channel, s.account.accountId);
      return { channel: p.channel, accountId: s.account.accountId, cleared: true, loggedOut: true };
    },
    send: async (params, ctx) => {
      const p = parseParams("send", SendParams, params);
      // Required as in the reference: a retried send must be recognisable, so it never goes out twice.
      if (!ctx.idempotencyKey) throw new GatewayError("INVALID_REQUEST", "invalid send params: must have required property 'idempotencyKey'");
      const rt = await need();
      let channel = p.channel;
      let to = p.to.trim();
      const prefixed = /^(telegram|tg):(.+)$/i.exec(to);
      if (prefixed && (!channel || channel === "telegram")) {
        channel = "telegram";
        to = prefixed[2]!;
      }
      const s = rt.account(channel, p.accountId);
      if (!s.configured) throw new GatewayError("INVALID_REQUEST", `${s.plugin.id} account ${s.account.accountId} is not configured: ${s.account.problem}`);
      const chatId = s.plugin.normalizeId(to);
      if (!chatId) throw new GatewayError("INVALID_REQUEST", "invalid send params: to is empty");
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
      return { runId: ctx.idempotencyKey, messageId: result.messageIds[result.messageIds.length - 1], channel: s.plugin.id, chatId: result.chatId, accountId: s.account.accountId };
    },
    "channels.pairing.list": async (params) => {
      const p = parseParams("channels.pairing.list", PairingListParams, params);
      const rt = await runtime();
      const accounts = (rt?.accounts(p.channel) ?? []).filter((s) => s.account.access.dmPolicy === "pairing" && (!p.accountId || s.account.accountId === p.accountId));
      const iso = (ms: number) => new Date(ms).toISOString();
      const requests = accounts.flatMap((s) =>
        rt!.pairing.list(s.plugin.id, s.account.accountId).map((r) => ({
          requestId: r.code,
          channel: r.channel,
          channelLabel: s.plugin.label,
          accountId: r.accountId,
          senderId: r.senderId,
          senderLabel: r.senderLabel,
          ...(r.meta ? { metadata: r.meta } : {}),
          createdAt: iso(r.createdAt),
          lastSeenAt: iso(r.lastSeenAt),
          expiresAt: iso(r.createdAt + PAIRING_TTL_MS),
          notifySupported: true,
        })),
      );
      return {
        accounts: accounts.map((s) => ({ channel: s.plugin.id, channelLabel: s.plugin.label, accountId: s.account.accountId, notifySupported: true })),
        requests,
        commandOwnerConfigured: false,
        limits: { pendingPerAccount: PAIRING_MAX_PENDING, ttlMs: PAIRING_TTL_MS },
      };
    },
    "channels.pairing.approve": async (params) => {
      const p = parseParams("channels.pairing.approve", PairingResolveParams, params);
      const rt = await need();
      const hit = rt.pairing.resolve(p.channel, p.requestId, true, p.accountId);
      if (!hit) throw new GatewayError("INVALID_REQUEST", `no pending ${p.channel} pairing request with code ${p.requestId}`);
      let notification = "not-requested";
      if (p.notify) {
        try {
          await rt.account(p.channel, hit.accountId).ensureTransport().send({ chatId: hit.senderId, text: "OpenClaw: access approved. Send a message to start." });
          notification = "sent";
        } catch {
          notification = "failed";
        }
      }
      return { requestId: hit.code, senderId: hit.senderId, notification, commandOwnerBootstrap: "not-requested" };
    },
    "channels.pairing.dismiss": async (params) => {
      const p = parseParams("channels.pairing.dismiss", PairingResolveParams.omit({ notify: true, bootstrapCommandOwner: true }), params);
      const rt = await need();
      const hit = rt.pairing.resolve(p.channel, p.requestId, false, p.accountId);
      if (!hit) throw new GatewayError("INVALID_REQUEST", `no pending ${p.channel} pairing request with code ${p.requestId}`);
      return { requestId: hit.code, senderId: hit.senderId };
    },
  };
}
