import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { callTarget } from "../../client/session.ts";
import type { GatewayTarget } from "../../client/target.ts";
import { cliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "../gateway/_rpc.ts";

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
    const json = Boolean(context.args.json);
    let target: GatewayTarget | undefined;
    try {
      target = targetFromArgs(ctx, context.args);
      const { payload } = await callTarget<Pending[]>(target, "exec.approval.list", { params: {}, deadline: Deadline.after(parseTimeoutMs(context.args.timeout, 10_000)) });
      if (json) {
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
    } catch (error) {
      const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("../gateway/_failure.ts");
      return reportFailure(ctx, error, { json, target, label: "Approvals failed", credentialsMessage: CREDENTIALS_REQUIRED_RPC });
    }
  },
});
