import { ConfigError } from "../../config/errors.ts";
import { resolveProfilePaths, type ProfilePaths } from "../../config/paths.ts";
import { classifyPath } from "../../config/reload-plan.ts";
import { CliError, type CliContext } from "../context.ts";

/** The active profile's paths for a command. */
export function profilePaths(ctx: CliContext): ProfilePaths {
  return resolveProfilePaths(ctx.profile, { env: ctx.env });
}

/** Writers refuse when a deployment system owns the file (reference: OPENCLAW_CONFIG_READONLY / NIX_MODE). */
export function assertWritable(ctx: CliContext): void {
  if (ctx.env.OPENCLAW_CONFIG_READONLY === "1" || ctx.env.OPENCLAW_NIX_MODE === "1") {
    throw new CliError("config is managed externally (OPENCLAW_CONFIG_READONLY=1); change it at its source");
  }
}

/** The hint printed after a successful write, so the operator knows whether to restart. */
export function applyHint(path: string): string {
  const action = classifyPath(path);
  if (action === "restart") return "Restart the gateway to apply.";
  if (action === "hot") return "Change will apply without restarting the gateway.";
  return "No gateway restart needed.";
}

/** Prints a config value: scalars bare, objects and arrays as indented JSON. */
export function formatValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  return JSON.stringify(value, null, 2);
}

/** Runs a config edit and turns a validation failure into "refused, nothing written". */
export function refuseInvalid<T>(path: string, edit: () => T): T {
  try {
    return edit();
  } catch (error) {
    if (error instanceof ConfigError && (error.code === "ESCHEMA" || error.code === "EENV")) {
      const details = error.issues.length > 0 ? error.issues.map((i) => `  ${i.path}: ${i.message}`).join("\n") : `  ${error.message}`;
      throw new CliError(`Refused: changing ${path} would make ${error.file ?? "the config"} invalid; nothing was written.\n${details}`);
    }
    throw error;
  }
}
