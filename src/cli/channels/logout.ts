import { defineCommand } from "citty";
import { CliError, cliContext } from "../context.ts";
import { jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { accountArg, rpc } from "./_shared.ts";

// `openclaw channels logout`: `channels.logout` on the running gateway.
export default defineCommand({
  meta: { name: "logout", description: "Log a channel account out on the running gateway (stops it and drops its webhook and pending updates)" },
  args: {
    channel: { type: "string", description: "Channel id (telegram)", valueHint: "name" },
    account: { type: "string", description: "Account id (default: the channel's default)", valueHint: "id" },
    ...targetArgs,
    ...timeoutArg(30_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const channel = String(args.channel ?? (args._ as string[] | undefined)?.[0] ?? "").trim();
    if (!channel) throw new CliError("--channel is required");
    const accountId = accountArg(args.account);
    const result = await rpc<Record<string, unknown>>(ctx, args, "channels.logout", { channel, ...(accountId ? { accountId } : {}) }, 30_000, "Channel logout failed");
    if (!result.ok) return result.code;
    ctx.out(args.json ? JSON.stringify(result.payload, null, 2) : `${channel} account ${result.payload.accountId}: logged out`);
    return 0;
  },
});
