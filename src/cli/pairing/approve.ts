import { defineCommand } from "citty";
import { CliError, cliContext } from "../context.ts";
import { callRpc, jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { accountArg } from "../channels/_shared.ts";

// `openclaw pairing approve [channel] <code>`: admits the sender of a pending request (`channels.pairing.approve`).
export default defineCommand({
  meta: { name: "approve", description: "Approve a pending DM pairing code" },
  args: {
    first: { type: "positional", required: true, description: "Channel id, or the code when one channel is configured" },
    second: { type: "positional", required: false, description: "The pairing code" },
    channel: { type: "string", description: "Channel id", valueHint: "name" },
    account: { type: "string", description: "Account id", valueHint: "id" },
    notify: { type: "boolean", description: "Tell the sender they were approved" },
    ...targetArgs,
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const code = String(args.second ?? args.first ?? "").trim();
    const channel = String(args.channel ?? (args.second ? args.first : "telegram")).trim();
    if (!code) throw new CliError("a pairing code is required: openclaw pairing approve <channel> <code>");
    const accountId = accountArg(args.account);
    const result = await callRpc<any>(ctx, args, "channels.pairing.approve", { channel, requestId: code, ...(accountId ? { accountId } : {}), ...(args.notify ? { notify: true } : {}) }, { defaultTimeoutMs: 10_000, label: "Pairing approve failed" });
    if (!result.ok) return result.code;
    ctx.out(args.json ? JSON.stringify(result.payload, null, 2) : `Approved ${channel} sender ${result.payload.senderId}.`);
    return 0;
  },
});
