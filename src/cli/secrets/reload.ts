import { defineCommand } from "citty";
import { Deadline } from "../../client/deadline.ts";
import { GatewayClientError } from "../../client/errors.ts";
import type { GatewayTarget } from "../../client/target.ts";
import { cliContext } from "../context.ts";
import { jsonArg, parseTimeoutMs, targetArgs, targetFromArgs, timeoutArg } from "../gateway/_rpc.ts";

/** `openclaw secrets reload`: the `secrets.reload` RPC; a failed resolution exits 1 naming each ref's config path. */
export default defineCommand({
  meta: { name: "reload", description: "Re-resolve SecretRefs on the running gateway and swap its snapshot atomically" },
  args: { ...targetArgs, ...timeoutArg(30_000), ...jsonArg },
  async run(context) {
    const ctx = cliContext(context);
    const { args } = context;
    const json = Boolean(args.json);
    let target: GatewayTarget | undefined;
    try {
      target = targetFromArgs(ctx, args);
      const { callTarget } = await import("../../client/session.ts");
      type Reloaded = { refs: number; changedPaths: string[]; warnings?: { path: string; state: string; message: string }[] };
      const { payload } = await callTarget<Reloaded>(target, "secrets.reload", { deadline: Deadline.after(parseTimeoutMs(args.timeout, 30_000)) });
      if (json) ctx.out(JSON.stringify(payload, null, 2));
      else {
        const warnings = payload.warnings ?? [];
        // A model provider or channel whose ref failed: the rest published, that owner is stale (last good value) or cold.
        for (const w of warnings) ctx.err(`Warning: ${w.message} (${w.state === "stale" ? "keeping its last good value" : "unavailable until it resolves"})`);
        ctx.out(`Secrets reloaded${warnings.length ? ` with ${warnings.length} warning(s)` : ""}: ${payload.refs} ref(s); changed: ${payload.changedPaths.join(", ") || "none"}`);
      }
      return 0;
    } catch (error) {
      const details = error instanceof GatewayClientError ? (error.details as { code?: string; errors?: { path: string; ref: string; message: string }[] } | undefined) : undefined;
      if (details?.code === "SECRETS_RELOAD_FAILED" && details.errors) {
        if (json) ctx.out(JSON.stringify({ ok: false, errors: details.errors }, null, 2));
        for (const e of details.errors) ctx.err(`Error: ${e.message}`);
        ctx.err("The gateway keeps its last good secrets snapshot.");
        return 1;
      }
      const code = error instanceof GatewayClientError ? (error.details as { code?: string } | undefined)?.code : undefined;
      if (target?.deviceFallback && (code === "AUTH_TOKEN_MISMATCH" || code === "AUTH_PASSWORD_MISMATCH")) {
        // The ref was rotated on disk before this CLI ever held a device token for the gateway.
        ctx.err("Hint: the gateway still holds the previous secret and this CLI has no device token for it yet; run `openclaw secrets reload --token <previous>` (or --password) once.");
      }
      const { reportFailure } = await import("../gateway/_failure.ts");
      return reportFailure(ctx, error, { json, target, label: "Secrets reload failed" });
    }
  },
});
