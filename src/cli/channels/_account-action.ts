import { defineCommand } from "citty";
import { CliError, cliContext } from "../context.ts";
import { callRpc, jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { accountArg } from "./_shared.ts";

/** What differs between `channels login` and `channels logout`: the RPC, the wording and the done-line. */
interface AccountAction {
  name: string;
  description: string;
  method: string;
  failure: string;
  done: string;
}

/** One account-level command on the running gateway (`channels.start` / `channels.logout`), one shape for both. */
export function accountActionCommand(action: AccountAction) {
  return defineCommand({
    meta: { name: action.name, description: action.description },
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
      const result = await callRpc<Record<string, unknown>>(ctx, args, action.method, { channel, ...(accountId ? { accountId } : {}) }, { defaultTimeoutMs: 30_000, label: action.failure });
      if (!result.ok) return result.code;
      ctx.out(args.json ? JSON.stringify(result.payload, null, 2) : `${channel} account ${result.payload.accountId}: ${action.done}`);
      return 0;
    },
  });
}
