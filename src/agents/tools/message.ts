// The `message` tool (the reference's name and parameters): an agent sends, edits or deletes a chat message
// through the channels feature handed to the toolbox; without a target it answers in the session's own chat.
import type { ChannelDelivery } from "../delivery-types.ts";
import { str, ToolError, type ToolDefinition } from "./types.ts";

const ACTIONS = ["send", "edit", "delete"] as const;
/** Longest text one call may send; the transport chunks it at the channel's limit. */
const MAX_MESSAGE_CHARS = 64 * 1024;

const PARAMETERS = {
  type: "object",
  properties: {
    action: { type: "string", enum: ACTIONS, description: 'Select one action. For action="send", provide message (or media).' },
    channel: { type: "string", description: "Channel id (telegram); defaults to the only configured channel." },
    target: { type: "string", description: "Chat id to send to; defaults to the current conversation." },
    accountId: { type: "string" },
    message: { type: "string", description: "Text to send (send) or the new text (edit)." },
    media: { type: "string", description: "Media URL (http/https)." },
    filename: { type: "string" },
    buffer: { type: "string", description: "Base64 attachment." },
    contentType: { type: "string" },
    caption: { type: "string" },
    replyTo: { type: "string" },
    threadId: { type: "string" },
    silent: { type: "boolean" },
    forceDocument: { type: "boolean", description: "Send media as document; no compression." },
    messageId: { type: "string", description: "The message to edit or delete." },
  },
  required: ["action"],
  additionalProperties: false,
} as const;

/** True when the config names a channel at all: only then is the tool offered to the model. */
function anyChannel(config: Record<string, any>): boolean {
  return Object.entries(config.channels ?? {}).some(([id, section]) => id !== "defaults" && section !== null && typeof section === "object");
}

/** The tool, offered only while the channels feature is mounted and a channel is configured. */
export function messageTool(delivery: () => ChannelDelivery | undefined, config: () => Record<string, any>): ToolDefinition {
  return {
    name: "message",
    description: "Send, edit or delete a message in a configured chat channel (Telegram). Supports actions: send, edit, delete.",
    parameters: PARAMETERS,
    offered: () => delivery() !== undefined && anyChannel(config()),
    async run(args, ctx) {
      const action = str(args, "action")!;
      if (!(ACTIONS as readonly string[]).includes(action)) throw new ToolError(`action must be one of ${ACTIONS.join(", ")}`);
      const channels = delivery();
      if (!channels) throw new ToolError("no channel is available on this gateway");
      const text = str(args, "message", false) ?? str(args, "caption", false);
      if (text && text.length > MAX_MESSAGE_CHARS) throw new ToolError(`message longer than ${MAX_MESSAGE_CHARS} characters`);
      let channel = str(args, "channel", false);
      let target = str(args, "target", false);
      let threadId = str(args, "threadId", false);
      let accountId = str(args, "accountId", false);
      if (!target) {
        const here = await channels.lastRoute(ctx.agentId, ctx.sessionKey);
        if (!here || (channel && here.channel !== channel)) throw new ToolError("target is required (this session has no chat conversation to answer in)");
        ({ channel, to: target } = here);
        threadId ??= here.threadId;
        accountId ??= here.accountId;
      }
      const params: Record<string, unknown> = { ...args, target, message: text, threadId, accountId };
      delete params.action;
      delete params.channel;
      const result = await channels.action({ channel, action, params, accountId });
      return { text: JSON.stringify({ ok: true, action, channel: channel ?? null, target, messageId: result.messageId ?? null }), details: { status: "ok", ...result, channel, target } };
    },
  };
}
