import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { cliContext, CliError } from "../context.ts";
import { jsonArg, onTarget, parseTimeoutMs, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { callWithScopes, pairingCallScopes } from "./_rpc.ts";

type Access = { roles: string[]; scopes: string[] };
const uniq = (xs: (string | undefined)[]) => [...new Set(xs.filter((x): x is string => Boolean(x)))].sort();
const requestedOf = (r: any): Access => ({ roles: uniq([r.role, ...(r.roles ?? [])]), scopes: uniq(r.scopes ?? []) });
const approvedOf = (d: any): Access => ({ roles: uniq([d.role, ...(d.roles ?? [])]), scopes: uniq(d.scopes ?? []) });
const summary = (a: Access | null) => (a ? `roles: ${a.roles.join(", ") || "none"}; scopes: ${a.scopes.join(", ") || "none"}` : "none");

/** What approving the request would change, as the reference names it. */
function approvalState(request: any, paired: any | undefined): { kind: string; requested: Access; approved: Access | null } {
  const requested = requestedOf(request);
  if (!paired) return { kind: "new-pairing", requested, approved: null };
  const approved = approvedOf(paired);
  if (!requested.roles.every((r) => approved.roles.includes(r))) return { kind: "role-upgrade", requested, approved };
  if (!requested.scopes.every((s) => approved.scopes.includes(s))) return { kind: "scope-upgrade", requested, approved };
  return { kind: "re-approval", requested, approved };
}

const NOTES: Record<string, string> = {
  "new-pairing": "First-time device pairing request.",
  "role-upgrade": "Already paired. Requested role exceeds the current approval, so reconnect stays blocked until you approve this upgrade.",
  "scope-upgrade": "Already paired. Requested scopes exceed the current approval, so reconnect stays blocked until you approve this upgrade.",
  "re-approval": "Already paired. Approval-bound device details changed, so OpenClaw created a fresh request instead of silently reusing the old approval.",
};

// `openclaw devices approve <requestId>` (device.pair.approve, asking for the scopes it grants). Without an id,
// or with --latest, it only previews the newest pending request and exits 1, as the reference does.
export default defineCommand({
  meta: { name: "approve", description: "Approve a pending device pairing request" },
  args: {
    requestId: { type: "positional", description: "Pending request id", required: false },
    latest: { type: "boolean", description: "Show the most recent pending request to approve explicitly" },
    ...targetArgs,
    ...timeoutArg(10_000),
    ...jsonArg,
  },
  async run(context) {
    const ctx = cliContext(context);
    const args = context.args as Record<string, unknown>;
    const json = Boolean(args.json);
    const deadline = Deadline.after(parseTimeoutMs(args.timeout, 10_000));
    const requestId = typeof args.requestId === "string" ? args.requestId.trim() : "";
    return onTarget(ctx, args, { json, label: "device.pair.approve failed" }, async (target) => {
      const list = await callWithScopes<{ pending: any[]; paired: any[] }>(target, "device.pair.list", {}, deadline);
      if (!requestId || args.latest) {
        const latest = [...list.pending].sort((a, b) => (b.ts ?? 0) - (a.ts ?? 0))[0];
        if (!latest) throw new CliError("No pending device pairing requests to approve");
        const state = approvalState(latest, list.paired.find((d) => d.deviceId === latest.deviceId));
        const command = `openclaw devices approve ${latest.requestId}${typeof args.url === "string" ? ` --url ${args.url}` : ""}${json ? " --json" : ""}`;
        if (json) {
          ctx.out(JSON.stringify({ selected: latest, approvalState: state, approveCommand: command, requiresAuthFlags: { token: Boolean(args.token), password: Boolean(args.password) } }, null, 2));
          return 1;
        }
        ctx.out(`Selected pending device request ${latest.requestId}`);
        ctx.out(`  Device: ${latest.displayName ?? latest.deviceId}`);
        ctx.out(`  Requested: ${summary(state.requested)}`);
        if (state.approved) ctx.out(`  Approved: ${summary(state.approved)}`);
        if (latest.remoteIp) ctx.out(`  IP:     ${latest.remoteIp}`);
        ctx.out(`  Note:   ${NOTES[state.kind]}`);
        ctx.err(`Approve this exact request with: ${command}`);
        const flags = [args.token ? "--token" : "", args.password ? "--password" : ""].filter(Boolean);
        if (flags.length > 0) ctx.err(`Reuse the same ${flags.join("/")} option${flags.length === 1 ? "" : "s"} when rerunning.`);
        return 1;
      }
      const request = list.pending.find((p) => p.requestId === requestId);
      const nonOperator = request && requestedOf(request).roles.some((r) => r !== "operator");
      const scopes = request ? (nonOperator ? ["operator.admin"] : pairingCallScopes(request.scopes ?? [])) : undefined;
      const result = await callWithScopes<any>(target, "device.pair.approve", { requestId }, deadline, scopes);
      if (json) ctx.out(JSON.stringify(result, null, 2));
      else ctx.out(`Approved ${result.device?.deviceId ?? "ok"} (${result.requestId ?? requestId})`);
      return 0;
    });
  },
});
