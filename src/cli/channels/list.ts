import { defineCommand } from "citty";
import { loadConfig } from "../../config/load.ts";
import { profilePaths } from "../config/_shared.ts";
import { cliContext } from "../context.ts";
import { jsonArg } from "../gateway/_rpc.ts";

// `openclaw channels list`: configured channel accounts, from config alone (no gateway, no channel traffic).
export default defineCommand({
  meta: { name: "list", description: "List configured channel accounts (config only)" },
  args: { ...jsonArg },
  async run(context) {
    const ctx = cliContext(context);
    const snapshot = loadConfig(profilePaths(ctx), ctx.env);
    const { channelInventory } = await import("../../channels/registry.ts");
    const inventory = await channelInventory(snapshot.config as Record<string, unknown>, ctx.env);
    if (context.args.json) {
      const chat = Object.fromEntries(inventory.map((c) => [c.id, { label: c.label, defaultAccountId: c.defaultAccountId, accounts: c.accounts.map(({ account, details }) => ({ accountId: account.accountId, ...(account.name ? { name: account.name } : {}), configured: !account.problem, enabled: account.enabled, ...details })) }]));
      ctx.out(JSON.stringify({ chat }, null, 2));
      return 0;
    }
    if (inventory.length === 0) {
      ctx.out("No chat channels configured. Add one: openclaw channels add --channel telegram --token <bot-token>");
      return 0;
    }
    ctx.out("Chat channels:");
    for (const c of inventory) {
      for (const { account, details } of c.accounts) {
        const tags = [account.problem ? "not configured" : "configured", account.enabled ? "enabled" : "disabled", `token ${details.tokenSource ?? "none"}`];
        ctx.out(`- ${c.label} ${account.accountId}${account.name ? ` (${account.name})` : ""}: ${tags.join(", ")}`);
      }
    }
    return 0;
  },
});
