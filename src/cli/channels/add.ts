import { defineCommand } from "citty";
import { statSync } from "node:fs";
import { resolve } from "node:path";
import { editConfig } from "../../config/edit.ts";
import { applyHint, assertWritable, profilePaths, refuseInvalid } from "../config/_shared.ts";
import { CliError, cliContext } from "../context.ts";
import { accountArg } from "./_shared.ts";

// `openclaw channels add --channel telegram --token <t> [--account id]`: writes the account into openclaw.json
// (validated, atomic, 0600); a running gateway picks it up by hot reload. The token is never printed.
export default defineCommand({
  meta: { name: "add", description: "Add or update a channel account in the config (Telegram: --token, --token-file or --use-env)" },
  args: {
    channel: { type: "string", description: "Channel id (telegram)", valueHint: "name" },
    account: { type: "string", description: "Account id (default: default)", valueHint: "id" },
    name: { type: "string", description: "Display name of the account" },
    token: { type: "string", description: "Bot token" },
    "token-file": { type: "string", description: "File holding the bot token (regular file)" },
    "use-env": { type: "boolean", description: "Use TELEGRAM_BOT_TOKEN from the gateway's environment (default account)" },
  },
  run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    assertWritable(ctx);
    const channel = String(args.channel ?? (args._ as string[] | undefined)?.[0] ?? "").trim();
    if (channel !== "telegram") throw new CliError(channel ? `unknown channel: ${channel} (this build has: telegram)` : "--channel is required (telegram)");
    const accountId = accountArg(args.account) ?? "default";
    const given = [args.token, args["token-file"], args["use-env"]].filter((v) => v !== undefined && v !== false).length;
    if (given !== 1) throw new CliError("pass exactly one of --token, --token-file or --use-env");
    if (args["use-env"] && accountId !== "default") throw new CliError("--use-env applies to the default account only (TELEGRAM_BOT_TOKEN)");
    const fields: Record<string, unknown> = { enabled: true };
    if (typeof args.token === "string") fields.botToken = args.token.trim();
    if (typeof args["token-file"] === "string") {
      // The gateway reads a regular file only (src/channels/telegram/config.ts): refuse now, not at the account's start.
      const path = resolve(args["token-file"]);
      if (!statSync(path, { throwIfNoEntry: false })?.isFile()) throw new CliError(`--token-file ${JSON.stringify(args["token-file"])} is not a regular file`);
      fields.tokenFile = path;
    }
    if (typeof args.name === "string") fields.name = args.name;
    const paths = profilePaths(ctx);
    const path = accountId === "default" ? "channels.telegram" : `channels.telegram.accounts.${accountId}`;
    refuseInvalid(path, () =>
      editConfig(paths, (authored) => {
        const channels = ((authored.channels ??= {}) as Record<string, any>);
        const section = (channels.telegram ??= {}) as Record<string, any>;
        const target = accountId === "default" ? section : ((section.accounts ??= {})[accountId] ??= {});
        if (args["use-env"]) delete target.botToken, delete target.tokenFile;
        if (fields.botToken) delete target.tokenFile;
        if (fields.tokenFile) delete target.botToken;
        Object.assign(target, fields);
        return authored;
      }, { env: ctx.env }),
    );
    ctx.out(`Added telegram account ${accountId} to ${paths.configPath}. ${applyHint("channels.telegram")}`);
    return 0;
  },
});
