import { defineCommand } from "citty";
import { cliContext } from "./context.ts";
import { table } from "./_table.ts";
import { callRpc, jsonArg, parsePositiveInt, parseTimeoutMs, targetArgs, timeoutArg } from "./gateway/_rpc.ts";

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
    const params: Record<string, unknown> = { limit: parsePositiveInt(args.limit, 100, "--limit") };
    if (typeof args.agent === "string" && args.agent) params.agentId = args.agent;
    const result = await callRpc<{ sessions: Row[]; totalCount: number; path: string }>(ctx, args, "sessions.list", params, { defaultTimeoutMs: 10_000, label: "Sessions failed" });
    if (!result.ok) return result.code;
    const payload = result.payload;
    if (args.json) {
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
    for (const line of table(["KEY", "MODEL", "TOKENS", "UPDATED", ""], rows)) ctx.out(line);
    return 0;
  },
});

function ago(ms: number): string {
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.round(s / 60)}m ago`;
  if (s < 86_400) return `${Math.round(s / 3600)}h ago`;
  return `${Math.round(s / 86_400)}d ago`;
}
