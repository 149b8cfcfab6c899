import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { GatewayClientError } from "../../client/errors.ts";
import { callTarget } from "../../client/session.ts";
import { loadConfig } from "../../config/load.ts";
import { profilePaths } from "../config/_shared.ts";
import { cliContext, type CliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "../gateway/_rpc.ts";
import { ago } from "./_shared.ts";

// `openclaw channels status [--probe]`: the gateway's live view (`channels.status`); when the gateway cannot be
// reached, a config-only summary that says so (and exit 1: a readiness check must not pass on it).
export default defineCommand({
  meta: { name: "status", description: "Show channel accounts as the running gateway sees them (--probe checks each one live)" },
  args: {
    channel: { type: "string", description: "Only this channel", valueHint: "name" },
    probe: { type: "boolean", description: "Probe every account now (Telegram: getMe)" },
    ...targetArgs,
    ...timeoutArg(60_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const timeoutMs = parseTimeoutMs(args.timeout, 60_000);
    const params: Record<string, unknown> = { probe: Boolean(args.probe), timeoutMs };
    if (typeof args.channel === "string" && args.channel) params.channel = args.channel;
    let target;
    try {
      target = targetFromArgs(ctx, args);
      const { payload } = await callTarget<any>(target, "channels.status", { params, deadline: Deadline.after(timeoutMs) });
      if (args.json) ctx.out(JSON.stringify(payload, null, 2));
      else printLive(ctx, payload, Boolean(args.probe));
      return 0;
    } catch (error) {
      if (error instanceof GatewayClientError && error.kind === "unreachable") return configOnly(ctx, Boolean(args.json), error.message);
      const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("../gateway/_failure.ts");
      return reportFailure(ctx, error, { json: Boolean(args.json), target, label: "Channel status failed", credentialsMessage: CREDENTIALS_REQUIRED_RPC });
    }
  },
});

function printLive(ctx: CliContext, payload: any, probed: boolean): void {
  ctx.out("Gateway reachable.");
  const order: string[] = payload.channelOrder ?? [];
  if (order.length === 0) ctx.out("No chat channels configured.");
  for (const id of order) {
    for (const a of payload.channelAccounts?.[id] ?? []) {
      const bits = [a.enabled === false ? "disabled" : a.configured ? "configured" : "not configured", a.running ? "running" : "stopped", a.connected ? "connected" : "disconnected"];
      if (a.mode) bits.push(`mode:${a.mode}`);
      if (a.lastInboundAt) bits.push(`in:${ago(a.lastInboundAt)}`);
      if (a.lastOutboundAt) bits.push(`out:${ago(a.lastOutboundAt)}`);
      if (probed && a.probe) bits.push(a.probe.ok ? `works${a.probe.bot?.username ? ` (@${a.probe.bot.username})` : ""}` : `probe failed: ${a.probe.error}`);
      if (a.lastError) bits.push(`error: ${a.lastError}`);
      ctx.out(`- ${payload.channelLabels?.[id] ?? id} ${a.accountId}: ${bits.join(", ")}`);
    }
  }
  for (const issue of payload.statusIssues ?? []) ctx.out(`! ${issue.channel} ${issue.accountId} (${issue.kind}): ${issue.message}`);
}

async function configOnly(ctx: CliContext, json: boolean, reason: string): Promise<number> {
  const snapshot = loadConfig(profilePaths(ctx), ctx.env);
  const { channelInventory } = await import("../../channels/registry.ts");
  const inventory = await channelInventory(snapshot.config as Record<string, unknown>, ctx.env);
  if (json) {
    const channelAccounts = Object.fromEntries(inventory.map((c) => [c.id, c.accounts.map(({ account, details }) => ({ accountId: account.accountId, enabled: account.enabled, configured: !account.problem, running: false, connected: false, dmPolicy: account.access.dmPolicy, ...details }))]));
    ctx.out(JSON.stringify({ gatewayReachable: false, configOnly: true, error: reason, channelOrder: inventory.map((c) => c.id), channelAccounts }, null, 2));
  } else {
    ctx.err(`Gateway not reachable (${reason}); showing a config-only summary (no live state, no probe).`);
    if (inventory.length === 0) ctx.out("No chat channels configured.");
    for (const c of inventory) {
      for (const { account } of c.accounts) ctx.out(`- ${c.label} ${account.accountId}: ${account.enabled ? (account.problem ? `not configured (${account.problem})` : "configured") : "disabled"}`);
    }
  }
  return 1;
}
