import { defineCommand } from "citty";
import { editConfig } from "../../config/edit.ts";
import { applyHint, assertWritable, profilePaths, refuseInvalid } from "../config/_shared.ts";
import { CliError, cliContext } from "../context.ts";
import { accountArg } from "./_shared.ts";

// `openclaw channels remove --channel telegram [--account id] [--delete]`: disables the account (config kept),
// or with --delete removes its config entries.
export default defineCommand({
  meta: { name: "remove", description: "Disable a channel account, or --delete its config" },
  args: {
    channel: { type: "string", description: "Channel id (telegram)", valueHint: "name" },
    account: { type: "string", description: "Account id (default: default)", valueHint: "id" },
    delete: { type: "boolean", description: "Remove the config entries instead of disabling" },
  },
  run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    assertWritable(ctx);
    const channel = String(args.channel ?? (args._ as string[] | undefined)?.[0] ?? "").trim();
    if (!channel) throw new CliError("--channel is required");
    const accountId = accountArg(args.account) ?? "default";
    const paths = profilePaths(ctx);
    let found = false;
    refuseInvalid(`channels.${channel}`, () =>
      editConfig(paths, (authored) => {
        const section = (authored.channels as any)?.[channel];
        if (!section) return authored;
        const own = accountId === "default" ? undefined : section.accounts?.[accountId];
        if (accountId !== "default" && !own) return authored;
        found = true;
        if (args.delete) {
          if (accountId === "default") delete (authored.channels as any)[channel];
          else delete section.accounts[accountId];
        } else (own ?? section).enabled = false;
        return authored;
      }, { env: ctx.env }),
    );
    if (!found) throw new CliError(`no ${channel} account ${accountId} in ${paths.configPath}`);
    ctx.out(`${args.delete ? "Removed" : "Disabled"} ${channel} account ${accountId}. ${applyHint(`channels.${channel}`)}`);
    return 0;
  },
});
