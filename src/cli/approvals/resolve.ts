import { defineCommand } from "citty";
import { cliContext, CliError } from "../context.ts";
import { callRpc, jsonArg, targetArgs, timeoutArg } from "../gateway/_rpc.ts";

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
    const decision = String(context.args.decision);
    if (!DECISIONS.includes(decision)) throw new CliError(`decision must be one of ${DECISIONS.join(", ")} (got "${decision}")`);
    const result = await callRpc(ctx, context.args, "exec.approval.resolve", { id: String(context.args.id), decision }, { defaultTimeoutMs: 10_000, label: "Resolve failed" });
    if (!result.ok) return result.code;
    const reason = typeof context.args.reason === "string" && context.args.reason ? ` (${context.args.reason})` : "";
    ctx.out(context.args.json ? JSON.stringify(result.payload, null, 2) : `Resolved ${context.args.id}: ${decision}${reason}`);
    return 0;
  },
});
