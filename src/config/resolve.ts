import { ConfigError } from "./errors.ts";
import type { ConfigSnapshot } from "./load.ts";
import { isSecretRef, secretValue, type SecretSnapshot } from "./secret-ref.ts";

/** Where a resolved setting came from; auth errors name it so "token mismatch" is never a mystery. */
export type SettingSource = "flag" | "env" | "config" | "default";

/** Values given on the command line, which beat everything else. */
export interface GatewayOverrides {
  port?: string | number;
  bind?: string;
  auth?: string;
  token?: string;
  password?: string;
}

/** The gateway settings after applying precedence: flag → env → config → default. */
export interface ResolvedGatewaySettings {
  port: number;
  portSource: SettingSource;
  bind: string;
  bindSource: SettingSource;
  token?: string;
  tokenSource?: SettingSource;
  password?: string;
  passwordSource?: SettingSource;
  /** Explicit mode (flag or config), else inferred from which secret exists. */
  authMode?: string;
}

/** Resolves port, bind and credentials once, at the top, as the seeds' precedence table says. */
export function resolveGatewaySettings(
  snapshot: ConfigSnapshot,
  overrides: GatewayOverrides,
  env: Record<string, string | undefined>,
  /** Resolved SecretRefs: a ref missing from it throws UnresolvedSecretError naming its path; none given: refs count as absent. */
  secrets?: SecretSnapshot,
): ResolvedGatewaySettings {
  const gateway = snapshot.config.gateway ?? {};
  const port = firstDefined<number>([
    ["flag", overrides.port === undefined ? undefined : parsePort(overrides.port, "--port")],
    ["env", nonEmpty(env.OPENCLAW_GATEWAY_PORT) && parsePort(env.OPENCLAW_GATEWAY_PORT!, "OPENCLAW_GATEWAY_PORT")],
    ["config", gateway.port],
    ["default", snapshot.paths.basePort],
  ])!;
  const bind = firstDefined<string>([
    ["flag", nonEmpty(overrides.bind)],
    ["config", gateway.bind],
    ["default", "loopback"],
  ])!;
  // A SecretRef in config stays authoritative over the env fallback (reference runtime model); plaintext does not.
  const tokenRef = isSecretRef(gateway.auth?.token);
  const passwordRef = isSecretRef(gateway.auth?.password);
  // Without a snapshot (client commands reading port and bind) a ref-valued credential counts as absent.
  const read = (value: Parameters<typeof secretValue>[0], path: string) => (secrets === undefined && isSecretRef(value) ? undefined : secretValue(value, path, secrets));
  const configToken = nonEmpty(read(gateway.auth?.token, "gateway.auth.token"));
  const configPassword = nonEmpty(read(gateway.auth?.password, "gateway.auth.password"));
  const token = firstDefined<string>([
    ["flag", nonEmpty(overrides.token)],
    ["config", tokenRef ? configToken : undefined],
    ["env", nonEmpty(env.OPENCLAW_GATEWAY_TOKEN)],
    ["config", configToken],
  ]);
  const password = firstDefined<string>([
    ["flag", nonEmpty(overrides.password)],
    ["config", passwordRef ? configPassword : undefined],
    ["env", nonEmpty(env.OPENCLAW_GATEWAY_PASSWORD)],
    ["config", configPassword],
  ]);
  const authMode =
    nonEmpty(overrides.auth) ?? gateway.auth?.mode ?? (token ? "token" : password ? "password" : undefined);
  return {
    port: port.value,
    portSource: port.source,
    bind: bind.value,
    bindSource: bind.source,
    token: token?.value,
    tokenSource: token?.source,
    password: password?.value,
    passwordSource: password?.source,
    authMode,
  };
}

/** Parses a port from a flag or env var with a message that names where it came from. */
export function parsePort(value: string | number, origin: string): number {
  const port = typeof value === "number" ? value : /^\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new ConfigError("EINPUT", `Expected ${origin} to be a port 1-65535, got ${JSON.stringify(value)}`, {
      keyPath: origin,
    });
  }
  return port;
}

function firstDefined<T>(
  candidates: [SettingSource, T | undefined | false | ""][],
): { value: T; source: SettingSource } | undefined {
  for (const [source, value] of candidates) {
    if (value !== undefined && value !== false && value !== "") return { value: value as T, source };
  }
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value !== "" ? value : undefined;
}
