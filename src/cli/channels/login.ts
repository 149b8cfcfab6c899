import { defineCommand } from "citty";
import { CliError, cliContext } from "../context.ts";
import { jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { accountArg, rpc } from "./_shared.ts";

// `openclaw channels login`: `channels.start` on the running gateway.
export default defineCommand({
  meta: { name: "login", description: "Start a channel account on the running gateway (Telegram needs no interactive login: the bot token is the credential)" },
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
    const result = await rpc<Record<string, unknown>>(ctx, args, "channels.start", { channel, ...(accountId ? { accountId } : {}) }, 30_000, "Channel login failed");
    if (!result.ok) return result.code;
    ctx.out(args.json ? JSON.stringify(result.payload, null, 2) : `${channel} account ${result.payload.accountId}: started`);
    return 0;
  },
});
