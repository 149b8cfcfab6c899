// What of a `system.run` node.invoke reaches the node, as the reference forwards it: only the run's own fields
// (command, cwd, env, timeout, session, run id); approval overrides (`approved`, `approvalDecision`,
// `approvalSource`) are refused unless an exec approval record backs them, and this gateway keeps none for node
// runs, so an operator can never pre-approve a command past the node's own exec approval prompt.

const FORWARDED = ["command", "rawCommand", "systemRunPlan", "cwd", "env", "timeoutMs", "needsScreenRecording", "agentId", "sessionKey", "runId", "suppressNotifyOnExit"];

export type SystemRunParams = { ok: true; params: unknown; runId?: string; sessionKey?: string; timeoutMs?: number } | { ok: false; message: string; details: Record<string, unknown> };

const guard = (code: string, message: string, details: Record<string, unknown> = {}): SystemRunParams => ({ ok: false, message, details: { code, ...details } });
const text = (v: unknown) => (typeof v === "string" && v.trim() ? v.trim() : undefined);

/** The params to forward for a system.run (with a run id, minted when missing), or the reference's refusal. */
export function systemRunParams(raw: unknown): SystemRunParams {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) return { ok: true, params: raw };
  const p = raw as Record<string, unknown>;
  if (p.approvalSource != null && p.approvalSource !== "ask-fallback") return guard("INVALID_APPROVAL_SOURCE", "approval source invalid");
  const askFallback = p.approvalSource === "ask-fallback";
  if (askFallback && (p.approved !== undefined || p.approvalDecision !== undefined)) return guard("APPROVAL_SOURCE_MISMATCH", "approval source cannot be combined with explicit approval");
  const decision = text(p.approvalDecision);
  if (p.approved === true || decision === "allow-once" || decision === "allow-always" || askFallback) {
    const runId = text(p.runId);
    if (!runId) return guard("MISSING_RUN_ID", "approval override requires params.runId");
    return guard("UNKNOWN_APPROVAL_ID", "unknown or expired approval id", { runId });
  }
  const command = Array.isArray(p.command) ? p.command : [];
  if (command.length === 0 && text(p.rawCommand)) return guard("MISSING_COMMAND", "rawCommand requires params.command");
  const next: Record<string, unknown> = {};
  for (const key of FORWARDED) if (key in p) next[key] = p[key];
  const runId = text(p.runId) ?? crypto.randomUUID();
  next.runId = runId;
  return { ok: true, params: next, runId, sessionKey: text(p.sessionKey), timeoutMs: typeof p.timeoutMs === "number" && p.timeoutMs >= 0 ? p.timeoutMs : undefined };
}
