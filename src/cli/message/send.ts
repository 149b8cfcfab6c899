import { defineCommand } from "citty";
import { existsSync, readFileSync, statSync } from "node:fs";
import { basename, extname, resolve } from "node:path";
import { CliError, cliContext } from "../context.ts";
import { callRpc, jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { accountArg } from "../channels/_shared.ts";

const MAX_MEDIA_BYTES = 50 * 1024 * 1024;
const MIME: Record<string, string> = { ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif", ".webp": "image/webp", ".pdf": "application/pdf", ".txt": "text/plain" };

// `openclaw message send --channel telegram --target <chat> --message "hi" [--media <path|url>]`: the gateway's
// `send` (idempotent: one key per invocation). Always through the gateway, never to the channel directly, so a
// stopped gateway fails at once with exit 1. A local file travels as base64, so a remote gateway can send it too.
export default defineCommand({
  meta: { name: "send", description: "Send a message (and media) through a channel of the running gateway" },
  args: {
    channel: { type: "string", description: "Channel id (telegram); a telegram: target prefix also selects it", valueHint: "name" },
    target: { type: "string", description: "Chat to send to (Telegram: chat id, or telegram:<id>)", valueHint: "dest" },
    to: { type: "string", description: "Alias of --target", valueHint: "dest" },
    message: { type: "string", alias: "m", description: "Text to send" },
    media: { type: "string", description: "A file path or http(s) URL to attach", valueHint: "path|url" },
    account: { type: "string", description: "Account id (default: the channel's default)", valueHint: "id" },
    "reply-to": { type: "string", description: "Message id to reply to", valueHint: "id" },
    "thread-id": { type: "string", description: "Thread (Telegram forum topic) id", valueHint: "id" },
    "force-document": { type: "boolean", description: "Send images as documents" },
    silent: { type: "boolean", description: "Send without a notification" },
    ...targetArgs,
    ...timeoutArg(30_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const to = String(args.target ?? args.to ?? "").trim();
    if (!to) throw new CliError("--target is required");
    const message = typeof args.message === "string" ? args.message : undefined;
    const media = typeof args.media === "string" && args.media.trim() ? args.media.trim() : undefined;
    if (!message?.trim() && !media) throw new CliError("--message or --media is required");
    const accountId = accountArg(args.account);
    // The same RPC the reference CLI uses (`message.action` send), so either CLI works against either gateway.
    const channel = typeof args.channel === "string" && args.channel ? args.channel : "telegram"; // the one channel this build has; a telegram: prefix agrees
    const action: Record<string, unknown> = { target: to };
    if (message !== undefined) action.message = message;
    if (typeof args["reply-to"] === "string") action.replyTo = args["reply-to"];
    if (typeof args["thread-id"] === "string") action.threadId = args["thread-id"];
    if (args["force-document"]) action.forceDocument = true;
    if (args.silent) action.silent = true;
    if (media && /^https?:\/\//i.test(media)) action.media = media;
    else if (media) {
      const path = resolve(media);
      if (!existsSync(path) || !statSync(path).isFile()) throw new CliError(`--media: no such file: ${media}`);
      if (statSync(path).size > MAX_MEDIA_BYTES) throw new CliError(`--media: larger than ${MAX_MEDIA_BYTES} bytes: ${media}`);
      action.buffer = readFileSync(path).toString("base64");
      action.filename = basename(path);
      const mime = MIME[extname(path).toLowerCase()];
      if (mime) action.contentType = mime;
    }
    const params = { channel, action: "send", params: action, ...(accountId ? { accountId } : {}), idempotencyKey: crypto.randomUUID() };
    const result = await callRpc<Record<string, any>>(ctx, args, "message.action", params, { defaultTimeoutMs: 30_000, label: "Send failed" });
    if (!result.ok) return result.code;
    const p = result.payload;
    if (args.json) ctx.out(JSON.stringify({ action: "send", channel, dryRun: false, handledBy: "plugin", messageId: p.messageId, payload: p }, null, 2));
    else ctx.out(`✅ Sent via ${channel === "telegram" ? "Telegram" : channel}. Message ID: ${p.messageId}`);
    return 0;
  },
});
