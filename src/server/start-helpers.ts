// Start-up helpers of the gateway: the refusals a start can end in (config, SecretRefs, a busy port) and
// small settings derived from the environment. Kept apart so gateway.ts reads as the lifecycle it owns.
import { ConfigError } from "../config/errors.ts";
import { loadConfig, type ConfigSnapshot } from "../config/load.ts";
import { findSecretRefs, type SecretSnapshot } from "../config/secret-ref.ts";
import { resolveSecrets } from "../config/secrets-resolve.ts";
import type { GatewayLogger } from "../logging/index.ts";
import { HANDSHAKE_TIMEOUT_MS } from "../protocol/constants.ts";
import type { GatewayOptions } from "./options.ts";
import { findListeningPids, stopProcess } from "./port-owner.ts";
import type { StartSettings } from "./settings.ts";
import { GatewayStartError } from "./start-errors.ts";

/** Resolves the start's SecretRefs; a failure refuses the start naming each ref's config path. */
export async function resolveOrRefuse(snapshot: ConfigSnapshot, env: Record<string, string | undefined>): Promise<SecretSnapshot> {
  if (findSecretRefs(snapshot.config).length === 0) return new Map();
  const resolution = await resolveSecrets(snapshot.config as Record<string, unknown>, { env });
  if (resolution.ok) return resolution.values;
  throw new GatewayStartError(
    "config-invalid",
    `cannot resolve ${resolution.errors.length === 1 ? "a SecretRef" : `${resolution.errors.length} SecretRefs`}: ${resolution.errors.map((e) => e.message).join("; ")}`,
    "Fix the ref or its provider (secrets.providers), then start again.",
  );
}

export function loadOrRefuse(options: GatewayOptions): ConfigSnapshot {
  try {
    return loadConfig(options.paths, options.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      throw new GatewayStartError("config-invalid", `invalid config: ${error.message}`, "Fix it, then check with `openclaw config validate`.");
    }
    throw error;
  }
}

export function keepGeneratedToken(settings: StartSettings, token: string): StartSettings {
  return { ...settings, generatedToken: token, auth: { ...settings.auth, token } };
}

export async function takeOverPort(port: number, logger: GatewayLogger): Promise<void> {
  const pids = (await findListeningPids(port)).filter((pid) => pid !== process.pid);
  for (const pid of pids) {
    logger.warn(`--force: stopping pid ${pid} listening on port ${port}`);
    if (!(await stopProcess(pid))) throw new GatewayStartError("port-in-use", `--force could not stop pid ${pid} on port ${port}`);
  }
}

export function handshakeTimeout(env: Record<string, string | undefined>): number {
  const raised = Number(env.OPENCLAW_HANDSHAKE_TIMEOUT_MS);
  return Number.isFinite(raised) && raised > 0 ? raised : HANDSHAKE_TIMEOUT_MS;
}
