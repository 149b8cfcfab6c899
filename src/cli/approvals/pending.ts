import { defineCommand } from "citty";
import { cliContext } from "../context.ts";
import { callRpc, jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";

interface Pending {
  id: string;
  createdAtMs: number;
  expiresAtMs: number;
  request: { command: string; agentId: string; sessionKey: string };
}

// `openclaw approvals pending`: the gateway's pending exec approvals (`exec.approval.list`).
export default defineCommand({
  meta: { name: "pending", description: "List pending exec approvals on the gateway" },
  args: { ...targetArgs, ...timeoutArg(10_000), ...jsonArg },
  async run(context) {
    const ctx = cliContext(context);
    const result = await callRpc<Pending[]>(ctx, context.args, "exec.approval.list", {}, { defaultTimeoutMs: 10_000, label: "Approvals failed" });
    if (!result.ok) return result.code;
    const payload = result.payload;
    if (context.args.json) {
      ctx.out(JSON.stringify(payload, null, 2));
      return 0;
    }
    if (payload.length === 0) {
      ctx.out("No pending approvals.");
      return 0;
    }
    const now = Date.now();
    for (const a of payload) {
      const left = Math.max(0, Math.round((a.expiresAtMs - now) / 1000));
      ctx.out(`${a.id}  exec  ${a.request.agentId}  ${a.request.sessionKey}  expires in ${left}s\n  ${a.request.command.slice(0, 200)}`);
    }
    return 0;
  },
});
