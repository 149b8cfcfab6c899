// RPC methods of the channels feature, over a runtime that exists once a channel is configured:
// channels.status|start|stop|logout, send, channels.pairing.list|approve|dismiss.
import { z } from "zod";
import { parseParams } from "../methods/_params.ts";
import type { MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";
import { MAX_BUFFER_CHARS, messageAction, sendThrough } from "./outbound.ts";
import { PAIRING_MAX_PENDING, PAIRING_TTL_MS } from "./pairing.ts";
import type { ChannelRuntime } from "./runtime.ts";
import { channelsStatus, emptyChannelsStatus } from "./status.ts";

const StatusParams = z.object({ probe: z.boolean().optional(), timeoutMs: z.number().int().min(0).optional(), channel: z.string().min(1).optional() }).strict();
const AccountParams = z.object({ channel: z.string().min(1), accountId: z.string().optional() }).strict();
const SendParams = z
  .object({
    to: z.string().min(1),
    message: z.string().max(100_000).optional(),
    mediaUrl: z.string().optional(),
    mediaUrls: z.array(z.string()).max(10).optional(),
    buffer: z.string().max(MAX_BUFFER_CHARS).optional(),
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
const ActionParams = z
  .object({
    channel: z.string().min(1),
    action: z.string().min(1),
    params: z.record(z.string(), z.unknown()),
    accountId: z.string().optional(),
  })
  .loose();
const PairingListParams = z.object({ channel: z.string().min(1).optional(), accountId: z.string().min(1).optional() }).strict();
const PairingResolveParams = z.object({ channel: z.string().min(1), accountId: z.string().min(1).optional(), requestId: z.string().min(1), notify: z.boolean().optional(), bootstrapCommandOwner: z.boolean().optional() }).strict();

function pick(o: Record<string, unknown>, keys: string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
}

/** The methods; `runtime()` is undefined while no channel is configured (then status is the empty shape). */
export function channelsMethods(runtime: () => Promise<ChannelRuntime | undefined>, eventLoop: () => unknown = () => undefined): MethodFamily {
  const need = async (): Promise<ChannelRuntime> => {
    const rt = await runtime();
    if (!rt) throw new GatewayError("INVALID_REQUEST", "no channel is configured (add one under channels.*, e.g. channels.telegram.botToken)");
    return rt;
  };
  return {
    "channels.status": async (params) => {
      const p = parseParams("channels.status", StatusParams, params);
      const rt = await runtime();
      const status = rt ? await channelsStatus(rt, p) : emptyChannelsStatus();
      const loop = eventLoop();
      // Key order as the reference's: eventLoop right after the labels and meta.
      return loop === undefined ? status : { ...pick(status, ["ts", "channelOrder", "channelLabels", "channelDetailLabels", "channelSystemImages", "channelMeta"]), eventLoop: loop, ...status };
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
      return { channel: p.channel, accountId: s.account.accountId, cleared: true, loggedOut: true };
    },
    send: async (params, ctx) => {
      const p = parseParams("send", SendParams, params);
      // Required as in the reference: a retried send must be recognisable, so it never goes out twice.
      if (!ctx.idempotencyKey) throw new GatewayError("INVALID_REQUEST", "invalid send params: must have required property 'idempotencyKey'");
      const sent = await sendThrough(await need(), p);
      return { runId: ctx.idempotencyKey, messageId: sent.messageId, channel: sent.channel, chatId: sent.chatId, accountId: sent.accountId };
    },
    "message.action": async (params, ctx) => {
      const p = parseParams("message.action", ActionParams, params);
      if (!ctx.idempotencyKey) throw new GatewayError("INVALID_REQUEST", "invalid message.action params: must have required property 'idempotencyKey'");
      const rt = await need();
      // Deduplicated by the server on the key; the reference's result does not echo it.
      return messageAction(rt, p);
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
