// Pending exec approvals: a command the policy says must be asked about waits here until an operator decides
// (`exec.approval.resolve`), or its timeout passes (then the ask fallback, deny, applies). Operators with
// operator.approvals see `exec.approval.requested` / `exec.approval.resolved` events and `exec.approval.list`.

/** The reference's default wait for a decision: 30 minutes. */
export const DEFAULT_APPROVAL_TIMEOUT_MS = 30 * 60_000;
/** Pending approvals kept at most; a run asking beyond it is refused rather than queued without bound. */
export const MAX_PENDING_APPROVALS = 256;

export type ApprovalDecision = "allow-once" | "allow-always" | "deny";
export type ApprovalOutcome = ApprovalDecision | "timeout" | "aborted";

export interface ApprovalRequest {
  command: string;
  cwd: string;
  agentId: string;
  sessionKey: string;
  runId?: string;
  toolCallId?: string;
  host: "gateway";
  security: string;
  ask: string;
}

export interface PendingApproval {
  id: string;
  request: ApprovalRequest;
  createdAtMs: number;
  expiresAtMs: number;
}

/** Timers are injected so tests decide when a timeout fires (no sleeping). */
export interface ApprovalTimers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: ApprovalTimers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ApprovalError extends Error {
  override readonly name = "ApprovalError";
}

export class Approvals {
  readonly #pending = new Map<string, { approval: PendingApproval; settle: (outcome: ApprovalOutcome) => void; timer: unknown }>();

  constructor(
    private readonly emit: (event: "exec.approval.requested" | "exec.approval.resolved", payload: Record<string, unknown>) => void,
    private readonly timers: ApprovalTimers = realTimers,
  ) {}

  list(): PendingApproval[] {
    return [...this.#pending.values()].map((p) => p.approval);
  }

  get(id: string): PendingApproval | undefined {
    return this.#pending.get(id)?.approval;
  }

  /** Registers a request and resolves with the decision, "timeout", or "aborted" (the run was stopped). */
  request(request: ApprovalRequest, timeoutMs: number, signal?: AbortSignal): Promise<ApprovalOutcome> {
    if (this.#pending.size >= MAX_PENDING_APPROVALS) throw new ApprovalError(`too many pending exec approvals (${MAX_PENDING_APPROVALS}); resolve some first`);
    const id = crypto.randomUUID();
    const createdAtMs = this.timers.now();
    const approval: PendingApproval = { id, request, createdAtMs, expiresAtMs: createdAtMs + timeoutMs };
    return new Promise<ApprovalOutcome>((resolve) => {
      const settle = (outcome: ApprovalOutcome) => {
        const entry = this.#pending.get(id);
        if (!entry) return;
        this.#pending.delete(id);
        this.timers.clearTimeout(entry.timer);
        signal?.removeEventListener("abort", onAbort);
        this.emit("exec.approval.resolved", { id, decision: outcome === "timeout" || outcome === "aborted" ? "deny" : outcome, reason: outcome === "timeout" || outcome === "aborted" ? outcome : undefined, ts: this.timers.now(), request });
        resolve(outcome);
      };
      const onAbort = () => settle("aborted");
      const timer = this.timers.setTimeout(() => settle("timeout"), timeoutMs);
      this.#pending.set(id, { approval, settle, timer });
      if (signal?.aborted) return settle("aborted");
      signal?.addEventListener("abort", onAbort, { once: true });
      this.emit("exec.approval.requested", { id, request, createdAtMs, expiresAtMs: approval.expiresAtMs });
    });
  }

  /** An operator's decision; unknown ids (already decided, expired) are refused. */
  resolve(id: string, decision: string): void {
    const entry = this.#pending.get(id) ?? [...this.#pending.values()].find((p) => p.approval.id.startsWith(id) && id.length >= 8);
    if (!entry) throw new ApprovalError(`unknown or expired approval id: ${id}`);
    if (decision !== "allow-once" && decision !== "allow-always" && decision !== "deny") {
      throw new ApprovalError(`decision must be allow-once, allow-always or deny (got "${decision}")`);
    }
    entry.settle(decision);
  }

  /** Ends every wait (gateway stopping): each run sees "aborted". */
  abortAll(): void {
    for (const entry of [...this.#pending.values()]) entry.settle("aborted");
  }
}
