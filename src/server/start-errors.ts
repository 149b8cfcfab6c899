/** Why the gateway refused to start; the CLI prints `message` and `hint` and exits with `exitCode()`. */
export type StartFailureKind = "unconfigured" | "config-invalid" | "unsafe-bind" | "port-in-use" | "state-locked" | "bind-failed";

/** The start-up boundary's error class. */
export class GatewayStartError extends Error {
  override readonly name = "GatewayStartError";
  constructor(
    readonly kind: StartFailureKind,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }

  /**
   * Exit code that tells a supervisor whether retrying can help (field lessons: restart loops).
   * Permanent refusals exit 78 (EX_CONFIG) under systemd (`RestartPreventExitStatus=78`) and 0 under
   * launchd (`KeepAlive.SuccessfulExit=false`); interactively they exit 1.
   */
  exitCode(env: Record<string, string | undefined>): number {
    const permanent = this.kind !== "bind-failed";
    if (!permanent) return 1;
    if (env.OPENCLAW_SUPERVISOR === "systemd") return 78;
    if (env.OPENCLAW_SUPERVISOR === "launchd") return 0;
    return 1;
  }
}
