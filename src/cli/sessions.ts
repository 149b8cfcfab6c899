import { defineCommand } from "citty";
import { Deadline } from "../client/deadline.ts";
import { callTarget } from "../client/session.ts";
import type { GatewayTarget } from "../client/target.ts";
import { cliContext } from "./context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "./gateway/_rpc.ts";

interface Row {
  key: string;
  agentId: string;
  model?: string;
  modelProvider?: string;
  totalTokens: number;
  updatedAt: number;
  hasActiveRun: boolean;
}

// `openclaw sessions`: the gateway's session index (`sessions.list`), newest first.
export default defineCommand({
  meta: { name: "sessions", description: "List the gateway's agent sessions" },
  args: {
    agent: { type: "string", description: "Only sessions of this agent", valueHint: "id" },
    limit: { type: "string", description: "At most this many rows (default 100)", valueHint: "n" },
    ...targetArgs,
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const json = Boolean(args.json);
    const deadline = Deadline.after(parseTimeoutMs(args.timeout, 10_000));
    const params: Record<string, unknown> = { limit: parseTimeoutMs(args.limit, 100, "--limit") };
    if (typeof args.agent === "string" && args.agent) params.agentId = args.agent;
    let target: GatewayTarget | undefined;
    try {
      target = targetFromArgs(ctx, args);
      const { payload } = await callTarget<{ sessions: Row[]; totalCount: number; path: string }>(target, "sessions.list", {
        params,
        deadline,
      });
      if (json) {
        ctx.out(JSON.stringify(payload, null, 2));
        return 0;
      }
      ctx.out(`Sessions: ${payload.totalCount} (${payload.path})`);
      if (payload.sessions.length === 0) return 0;
      const rows = payload.sessions.map((s) => [
        s.key,
        s.model ? `${s.modelProvider ?? "?"}/${s.model}` : "-",
        String(s.totalTokens),
        ago(s.updatedAt),
        s.hasActiveRun ? "running" : "",
      ]);
      const header = ["KEY", "MODEL", "TOKENS", "UPDATED", ""];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
      for (const row of [header, ...rows]) ctx.out(row.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd());
      return 0;
    } catch (error) {
      const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("./gateway/_failure.ts");
      return reportFailure(ctx, error, { json, target, label: "Sessions failed", credentialsMessage: CREDENTIALS_REQUIRED_RPC });
    }
  },
});

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}
