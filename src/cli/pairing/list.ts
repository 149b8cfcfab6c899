import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { callRpc, jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { accountArg, ago } from "../channels/_shared.ts";

// `openclaw pairing list [channel]`: pending DM pairing requests (`channels.pairing.list`).
export default defineCommand({
  meta: { name: "list", description: "List pending DM pairing requests" },
  args: {
    channelName: { type: "positional", required: false, description: "Channel id (telegram)" },
    channel: { type: "string", description: "Channel id", valueHint: "name" },
    account: { type: "string", description: "Only this account", valueHint: "id" },
    ...targetArgs,
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const channel = (args.channel ?? args.channelName) as string | undefined;
    const accountId = accountArg(args.account);
    const result = await callRpc<any>(ctx, args, "channels.pairing.list", { ...(channel ? { channel } : {}), ...(accountId ? { accountId } : {}) }, { defaultTimeoutMs: 10_000, label: "Pairing list failed" });
    if (!result.ok) return result.code;
    if (args.json) {
      ctx.out(JSON.stringify(result.payload, null, 2));
      return 0;
    }
    const requests: any[] = result.payload.requests ?? [];
    if (requests.length === 0) ctx.out("No pending pairing requests.");
    for (const r of requests) ctx.out(`${r.requestId}  ${r.channel}/${r.accountId}  ${r.senderLabel} (id ${r.senderId})  requested ${ago(Date.parse(r.createdAt))}`);
    return 0;
  },
});
