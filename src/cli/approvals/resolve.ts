import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { callTarget } from "../../client/session.ts";
import type { GatewayTarget } from "../../client/target.ts";
import { cliContext, CliError } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "../gateway/_rpc.ts";

const DECISIONS = ["allow-once", "allow-always", "deny"];

// `openclaw approvals resolve <id> <allow-once|allow-always|deny>` (`exec.approval.resolve`).
export default defineCommand({
  meta: { name: "resolve", description: "Resolve a pending exec approval" },
  args: {
    id: { type: "positional", description: "Approval id", required: true },
    decision: { type: "positional", description: "allow-once, allow-always or deny", required: true },
    reason: { type: "string", description: "A note printed with the confirmation (not sent)" },
    ...targetArgs,
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const json = Boolean(context.args.json);
    const decision = String(context.args.decision);
    let target: GatewayTarget | undefined;
    try {
      if (!DECISIONS.includes(decision)) throw new CliError(`decision must be one of ${DECISIONS.join(", ")} (got "${decision}")`);
      target = targetFromArgs(ctx, context.args);
      const { payload } = await callTarget(target, "exec.approval.resolve", {
        params: { id: String(context.args.id), decision },
        deadline: Deadline.after(parseTimeoutMs(context.args.timeout, 10_000)),
      });
      const reason = typeof context.args.reason === "string" && context.args.reason ? ` (${context.args.reason})` : "";
      ctx.out(json ? JSON.stringify(payload, null, 2) : `Resolved ${context.args.id}: ${decision}${reason}`);
      return 0;
    } catch (error) {
      const { reportFailure, CREDENTIALS_REQUIRED_RPC } = await import("../gateway/_failure.ts");
      return reportFailure(ctx, error, { json, target, label: "Resolve failed", credentialsMessage: CREDENTIALS_REQUIRED_RPC });
    }
  },
});
