// Helpers of the gateway lifecycle: the refusals a start can end in (config, SecretRefs, a busy port), settings
// derived from config and environment, and what a hot reload applies beyond the snapshot (secrets, log levels).
import { ConfigError } from "../config/errors.ts";
import { loadConfig, type ConfigSnapshot } from "../config/load.ts";
import { findSecretRefs, secretValue, UnresolvedSecretError, type SecretSnapshot } from "../config/secret-ref.ts";
import { resolveSecretsLazily as resolveSecrets } from "../config/secrets-lazy.ts";
import type { GatewayLogger, GatewayLoggerOptions } from "../logging/index.ts";
import { HANDSHAKE_TIMEOUT_MS } from "../protocol/constants.ts";
import type { GatewayOptions } from "./options.ts";
import { findListeningPids, stopProcess } from "./port-owner.ts";
import type { GatewayCore } from "./runtime.ts";
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

/** The file logger's options from `logging.*` and the run's console flags. */
export function loggerOptions(snapshot: ConfigSnapshot, options: GatewayOptions): GatewayLoggerOptions {
  const logging = snapshot.config.logging ?? {};
  return {
    file: logging.file,
    level: logging.level as GatewayLoggerOptions["level"],
    consoleLevel: options.verbose ? "debug" : (logging.consoleLevel as GatewayLoggerOptions["consoleLevel"]),
    consoleStyle: logging.consoleStyle,
    retentionDays: logging.retentionDays,
    maxFileBytes: logging.maxFileBytes,
    color: options.color,
    consoleSubsystemFilter: options.consoleSubsystemFilter,
    console: options.console,
  };
}

/** Hot-safe changes that need more than the new snapshot: secrets and log levels. */
export function applyHot(core: GatewayCore, next: ConfigSnapshot, start: StartSettings, logger: GatewayLogger, secrets: SecretSnapshot): void {
  const auth = next.config.gateway?.auth;
  if (start.secretSource === "config" || start.secretSource === "generated") {
    try {
      const token = secretValue(auth?.token, "gateway.auth.token", secrets);
      const password = secretValue(auth?.password, "gateway.auth.password", secrets);
      // Connected clients stay: auth is checked at the handshake, so only new connections need the new secret.
      if (token && core.auth.mode === "token") core.auth = { ...core.auth, token };
      if (password && core.auth.mode === "password") core.auth = { ...core.auth, password };
    } catch (error) {
      if (!(error instanceof UnresolvedSecretError)) throw error;
      logger.warn(`${error.message}; the previous secret stays in use until \`openclaw secrets reload\``);
    }
  }
  for (const secret of [core.auth.token, core.auth.password]) if (secret) logger.redact(secret);
  const logging = next.config.logging ?? {};
  logger.reconfigure({ level: logging.level as GatewayLoggerOptions["level"], retentionDays: logging.retentionDays, maxFileBytes: logging.maxFileBytes });
}
