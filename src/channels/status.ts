// The operator's view of channels: `channels.status` in the reference's result shape (per-account snapshots,
// optional live probe), and the per-channel summary `health`/`status` carry.
import type { AccountSupervisor } from "./account.ts";
import type { ChannelRuntime } from "./runtime.ts";

/** `channels.status` with nothing configured (spec §3.3). */
export function emptyChannelsStatus(): Record<string, unknown> {
  return { ts: Date.now(), channelOrder: [], channelLabels: {}, channelDetailLabels: {}, channelSystemImages: {}, channelMeta: [], channels: {}, channelAccounts: {}, channelDefaultAccountId: {}, statusIssues: [] };
}

/** The account's lifecycle word (`ready` once connected, as the reference reports it). */
function lifecycle(s: AccountSupervisor): string {
  if (s.state === "disabled") return "disabled";
  if (s.state === "unconfigured") return "blocked";
  if (s.connected) return "ready";
  if (s.state === "backoff") return "reconnecting";
  if (s.state === "starting") return "starting";
  return "stopped";
}

/**
 * One account as `channelAccounts.<channel>[]` shows it; never the token. `probed`: this answer probed, so it
 * carries the probe (the reference shows a probe only in the answer that took it; `health` shows the last).
 */
export function accountSnapshot(s: AccountSupervisor, probed = true): Record<string, unknown> {
  const a = s.account;
  const groups = a.access.groups;
  return {
    accountId: a.accountId,
    ...(a.name ? { name: a.name } : {}),
    enabled: a.enabled,
    lastStartAt: s.lastStartAt,
    lastStopAt: s.lastStopAt,
    ...(probed && s.probe !== undefined ? { probe: s.probe } : {}),
    restartPending: s.state === "backoff",
    reconnectAttempts: s.reconnectAttempts,
    lastConnectedAt: s.lastConnectedAt,
    lastEventAt: s.lastTransportActivityAt,
    lastTransportActivityAt: s.lastTransportActivityAt,
    lifecycle: lifecycle(s),
    lastInboundAt: s.lastInboundAt,
    lastOutboundAt: s.lastOutboundAt,
    ...s.plugin.describe(a),
    allowUnmentionedGroups: Boolean(groups && Object.values(groups).some((g) => g?.requireMention === false)),
    configured: s.configured,
    running: s.running,
    connected: s.connected,
    lastError: s.lastError,
    ...(probed ? { lastProbeAt: s.lastProbeAt } : {}),
  };
}

/** A channel's summary: the default account's state, plus every account. */
function channelSummary(runtime: ChannelRuntime, channel: string, probed = true): Record<string, unknown> {
  const accounts = runtime.accounts(channel);
  const main = accounts.find((s) => s.account.accountId === runtime.defaultAccount(channel)) ?? accounts[0];
  const details = main ? main.plugin.describe(main.account) : {};
  return {
    configured: accounts.some((s) => s.configured),
    running: accounts.some((s) => s.running),
    lastStartAt: main?.lastStartAt ?? null,
    lastStopAt: main?.lastStopAt ?? null,
    lastError: main?.lastError ?? null,
    ...(details.tokenSource !== undefined ? { tokenSource: details.tokenSource } : {}),
    ...(probed && main?.probe !== undefined ? { probe: main.probe, lastProbeAt: main.lastProbeAt } : { lastProbeAt: null }),
    ...(details.mode !== undefined ? { mode: details.mode } : {}),
  };
}

export async function channelsStatus(runtime: ChannelRuntime, options: { probe?: boolean; timeoutMs?: number; channel?: string }): Promise<Record<string, unknown>> {
  const channels = runtime.channels().filter((c) => !options.channel || c === options.channel);
  if (options.probe) {
    const timeoutMs = Math.min(Math.max(options.timeoutMs ?? 10_000, 1000), 60_000);
    await Promise.all(
      channels.flatMap((c) => runtime.accounts(c)).filter((s) => s.configured && s.account.enabled).map(async (s) => {
        s.probe = await s.ensureTransport().probe(timeoutMs);
        s.lastProbeAt = Date.now();
      }),
    );
  }
  const result = emptyChannelsStatus();
  const statusIssues: unknown[] = [];
  for (const c of channels) {
    const plugin = runtime.plugin(c)!;
    (result.channelOrder as string[]).push(c);
    (result.channelLabels as any)[c] = plugin.label;
    (result.channelDetailLabels as any)[c] = plugin.detailLabel;
    if (plugin.systemImage) (result.channelSystemImages as any)[c] = plugin.systemImage;
    (result.channelMeta as any[]).push({ id: c, label: plugin.label, detailLabel: plugin.detailLabel, ...(plugin.systemImage ? { systemImage: plugin.systemImage } : {}) });
    (result.channels as any)[c] = channelSummary(runtime, c, Boolean(options.probe));
    (result.channelAccounts as any)[c] = runtime.accounts(c).map((s) => accountSnapshot(s, Boolean(options.probe)));
    (result.channelDefaultAccountId as any)[c] = runtime.defaultAccount(c) ?? "default";
    for (const s of runtime.accounts(c)) {
      if (s.state === "unconfigured" && s.account.enabled) statusIssues.push({ channel: c, accountId: s.account.accountId, kind: "config", message: s.lastError ?? "not configured" });
      else if (s.state === "backoff") statusIssues.push({ channel: c, accountId: s.account.accountId, kind: /401|unauthorized/i.test(s.lastError ?? "") ? "auth" : "runtime", message: s.lastError ?? "disconnected" });
    }
  }
  result.statusIssues = statusIssues.slice(0, 50);
  return result;
}

/** `health.channels` (one summary per configured channel) and `health.channelLabels`. */
export function healthChannels(runtime: ChannelRuntime): { channels: Record<string, unknown>; labels: Record<string, string> } {
  const labels = Object.fromEntries(runtime.channels().map((c) => [c, runtime.plugin(c)!.label]));
  const channels = Object.fromEntries(runtime.channels().map((c) => [c, { ...channelSummary(runtime, c), connected: runtime.accounts(c).some((s) => s.connected), accounts: Object.fromEntries(runtime.accounts(c).map((s) => [s.account.accountId, accountSnapshot(s)])) }]));
  return { channels, labels };
}
