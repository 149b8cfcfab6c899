// Which gateway a command talks to and with which secret, resolved once at the top (style habit 6):
//   --url (credentials must then be explicit) → --port → OPENCLAW_GATEWAY_URL → gateway.remote.url when
//   gateway.mode=remote → ws://127.0.0.1:<port>; credentials flag → env → config.
// Only reads config (no config-writing module is imported on this path).
import { inspectConfig, loadConfig, type ConfigSnapshot } from "../config/load.ts";
import { resolveProfilePaths, type ProfilePaths } from "../config/paths.ts";
import { parsePort, resolveGatewaySettings, type SettingSource } from "../config/resolve.ts";
import { localTlsPin } from "../config/tls-paths.ts";
import { isSecretRef, type SecretRef } from "../config/secret-ref.ts";
import { resolveSecretSync } from "../config/secrets-resolve.ts";
import { GatewayClientError } from "./errors.ts";
import type { ConnectAuth } from "./identity.ts";
import { assertSecureGatewayUrl, parseGatewayUrl } from "./url-policy.ts";

/** Where the secret came from; auth failures name it (field lessons: "token mismatch" must never be a mystery). */
export interface CredentialOrigin {
  kind: "token" | "password";
  source: Exclude<SettingSource, "default">;
  /** `--token`, `OPENCLAW_GATEWAY_TOKEN`, `gateway.auth.token`, `gateway.remote.password`, … */
  name: string;
}

export interface GatewayTarget {
  url: string;
  /** `cli --url`, `cli --port`, `env OPENCLAW_GATEWAY_URL`, `config gateway.remote.url` or `local loopback`. */
  urlSource: string;
  /** `explicit` for --url / OPENCLAW_GATEWAY_URL, `remote` for gateway.remote.url, `local` for loopback. */
  kind: "explicit" | "remote" | "local";
  auth?: ConnectAuth;
  credential?: CredentialOrigin;
  tlsFingerprint?: string;
  /**
   * The local secret was read from a config SecretRef, which may be rotated on disk before the gateway reloads
   * it: the call then signs a device on loopback too and, refused with a token mismatch, retries once with
   * the device token this state dir holds for the gateway.
   */
  deviceFallback?: boolean;
  paths: ProfilePaths;
  /** The loopback port as resolved (also when the target is remote: probe's local target uses it). */
  localPort: number;
  localPortSource: SettingSource;
  bind: string;
  gatewayMode: "local" | "remote" | undefined;
  /** Config as loaded; `null` when the file is invalid and the caller tolerated that. */
  config: ConfigSnapshot | null;
  configIssues: { path: string; message: string }[];
  /** Warnings for the operator (remote mode without a URL, …). */
  notes: string[];
}

export interface TargetRequest {
  url?: string;
  port?: string;
  token?: string;
  password?: string;
  profile: string | undefined;
  env: Record<string, string | undefined>;
  /** `gateway status` and `doctor` keep working with an invalid config (reference: "stays available"). */
  tolerateInvalidConfig?: boolean;
  /** `gateway probe` and `gateway status` report a missing --url credential instead of refusing. */
  allowUrlWithoutCredentials?: boolean;
}

const CREDENTIALS_HINT = "Fix: pass --token or --password when using --url.";

/** Resolves the target; throws GatewayClientError kind "config" before any connection when refused. */
export function resolveTarget(request: TargetRequest): GatewayTarget {
  const { env } = request;
  const flagUrl = nonEmpty(request.url);
  const flagPort = nonEmpty(request.port);
  if (flagUrl && flagPort) throw new GatewayClientError("config", "Use either --url or --port, not both.");
  const paths = resolveProfilePaths(request.profile, { env });
  const flagAuth = secretsFrom(request.token, request.password, "flag", "--token", "--password");

  if (flagUrl) {
    // An explicit URL never gets implicit credentials: the override could point anywhere (reference rule).
    if (!flagAuth && !request.allowUrlWithoutCredentials) {
      throw new GatewayClientError("config", `gateway url override requires explicit credentials\n${CREDENTIALS_HINT}\nConfig: ${paths.configPath}`);
    }
    const url = parseGatewayUrl(flagUrl, "--url");
    assertSecureGatewayUrl(url, { source: "cli --url", configPath: paths.configPath, env });
    // An explicit URL needs no config: a broken config file must not stop the call.
    const base = localDefaults(paths, env, flagPort, true);
    return { ...base, url: url.href.replace(/\/$/, ""), urlSource: "cli --url", kind: "explicit", ...flagAuth };
  }

  const base = localDefaults(paths, env, flagPort, request.tolerateInvalidConfig);
  const gateway = base.config?.config.gateway;
  const secret = (value: string | SecretRef | undefined, path: string) => clientSecret(base.config, value, path, env, base.notes);
  const configAuth = secretsFrom(secret(gateway?.auth?.token, "gateway.auth.token"), secret(gateway?.auth?.password, "gateway.auth.password"), "config", "gateway.auth.token", "gateway.auth.password");
  const envAuth = secretsFrom(env.OPENCLAW_GATEWAY_TOKEN, env.OPENCLAW_GATEWAY_PASSWORD, "env", "OPENCLAW_GATEWAY_TOKEN", "OPENCLAW_GATEWAY_PASSWORD");
  // A SecretRef in config is authoritative over the env fallback, as on the gateway (reference runtime model).
  const refConfigured = isSecretRef(gateway?.auth?.token) || isSecretRef(gateway?.auth?.password);
  const refAuth = refConfigured ? configAuth : undefined;
  // The certificate is read only when the target is the local gateway (not for a remote or env URL).
  const local = (urlSource: string) => ({
    ...base,
    ...localEndpoint(base.config, base.localPort, paths.stateDir),
    urlSource,
    kind: "local" as const,
    ...(!flagAuth && refConfigured ? { deviceFallback: true } : {}),
    ...(flagAuth ?? refAuth ?? envAuth ?? configAuth),
  });

  if (flagPort) return local("cli --port");

  const envUrl = nonEmpty(env.OPENCLAW_GATEWAY_URL);
  if (envUrl) {
    const url = parseGatewayUrl(envUrl, "OPENCLAW_GATEWAY_URL");
    assertSecureGatewayUrl(url, { source: "env OPENCLAW_GATEWAY_URL", configPath: paths.configPath, env });
    const auth = flagAuth ?? envAuth ?? configAuth;
    if (!auth && !request.allowUrlWithoutCredentials) {
      throw new GatewayClientError("config", `gateway url override requires explicit credentials\nFix: set OPENCLAW_GATEWAY_TOKEN or OPENCLAW_GATEWAY_PASSWORD with OPENCLAW_GATEWAY_URL.\nConfig: ${paths.configPath}`);
    }
    return { ...base, url: url.href.replace(/\/$/, ""), urlSource: "env OPENCLAW_GATEWAY_URL", kind: "explicit", ...auth };
  }

  if (gateway?.mode === "remote") {
    const remote = gateway.remote ?? {};
    if (nonEmpty(remote.url)) {
      const url = parseGatewayUrl(remote.url!, "gateway.remote.url");
      assertSecureGatewayUrl(url, { source: "config gateway.remote.url", configPath: paths.configPath, env });
      const remoteAuth = secretsFrom(secret(remote.token, "gateway.remote.token"), secret(remote.password, "gateway.remote.password"), "config", "gateway.remote.token", "gateway.remote.password");
      return {
        ...base,
        url: url.href.replace(/\/$/, ""),
        urlSource: "config gateway.remote.url",
        kind: "remote",
        tlsFingerprint: nonEmpty(remote.tlsFingerprint),
        ...(flagAuth ?? envAuth ?? remoteAuth),
      };
    }
    base.notes.push("Warn: gateway.mode=remote but gateway.remote.url is missing; set gateway.remote.url or switch gateway.mode=local.");
    return local("missing gateway.remote.url (fallback local)");
  }
  return local("local loopback");
}

/** The configured remote (for `gateway probe`, which always probes it next to loopback). */
export function configuredRemote(target: GatewayTarget, env: Record<string, string | undefined>): { url: string; active: boolean; auth?: ConnectAuth; credential?: CredentialOrigin; tlsFingerprint?: string } | undefined {
  const remote = target.config?.config.gateway?.remote;
  const value = nonEmpty(remote?.url);
  if (!value) return undefined;
  return {
    url: value.replace(/\/$/, ""),
    active: target.gatewayMode === "remote",
    tlsFingerprint: nonEmpty(remote?.tlsFingerprint),
    ...secretsFrom(
      clientSecret(target.config, remote?.token, "gateway.remote.token", env),
      clientSecret(target.config, remote?.password, "gateway.remote.password", env),
      "config",
      "gateway.remote.token",
      "gateway.remote.password",
    ),
  };
}

/**
 * A config credential as a client command can use it: plaintext as is, an env or file SecretRef read here; exec
 * refs resolve on the gateway only (a CLI read never runs a provider command), so they add a note instead.
 */
export function clientSecret(
  config: ConfigSnapshot | null,
  value: string | SecretRef | undefined,
  path: string,
  env: Record<string, string | undefined>,
  notes?: string[],
): string | undefined {
  if (!isSecretRef(value)) return value;
  try {
    return resolveSecretSync(value, path, config?.config ?? {}, { env });
  } catch (error) {
    notes?.push(`Warn: ${(error as Error).message}; pass --token or --password.`);
    return undefined;
  }
}

/** The loopback gateway's URL: wss:// pinned to the certificate file it serves when it serves TLS, else ws://. */
export function localEndpoint(config: ConfigSnapshot | null, localPort: number, stateDir: string): { url: string; tlsFingerprint?: string } {
  const tls = config?.config.gateway?.tls;
  if (tls?.enabled !== true) return { url: `ws://127.0.0.1:${localPort}` };
  const pin = localTlsPin(tls, stateDir);
  return { url: `wss://127.0.0.1:${localPort}`, ...(pin ? { tlsFingerprint: pin } : {}) };
}

/** Describes a credential without revealing it: `token from --token (flag)`. */
export function describeCredential(origin: CredentialOrigin | undefined): string {
  return origin ? `${origin.kind} from ${origin.name} (${origin.source})` : "no token or password";
}

// --- internal ---

type Base = Omit<GatewayTarget, "url" | "urlSource" | "kind" | "auth" | "credential" | "tlsFingerprint" | "deviceFallback">;

function localDefaults(paths: ProfilePaths, env: Record<string, string | undefined>, flagPort: string | undefined, tolerate = false): Base {
  let config: ConfigSnapshot | null = null;
  let configIssues: { path: string; message: string }[] = [];
  if (tolerate) {
    const inspection = inspectConfig(paths, env);
    config = inspection.snapshot;
    configIssues = inspection.issues;
  } else {
    config = loadConfig(paths, env);
  }
  const snapshot = config ?? emptySnapshot(paths);
  const settings = resolveGatewaySettings(snapshot, { port: flagPort === undefined ? undefined : parsePort(flagPort, "--port") }, env);
  const mode = snapshot.config.gateway?.mode;
  return {
    paths,
    localPort: settings.port,
    localPortSource: settings.portSource,
    bind: settings.bind,
    gatewayMode: mode === "local" || mode === "remote" ? mode : undefined,
    config,
    configIssues,
    notes: [],
  };
}

function emptySnapshot(paths: ProfilePaths): ConfigSnapshot {
  return { paths, exists: false, raw: "", authored: {}, config: {}, hash: "" };
}

function secretsFrom(
  token: string | undefined,
  password: string | undefined,
  source: CredentialOrigin["source"],
  tokenName: string,
  passwordName: string,
): { auth: ConnectAuth; credential: CredentialOrigin } | undefined {
  const t = nonEmpty(token);
  const p = nonEmpty(password);
  if (!t && !p) return undefined;
  const auth: ConnectAuth = {};
  if (t) auth.token = t;
  if (p) auth.password = p;
  return { auth, credential: t ? { kind: "token", source, name: tokenName } : { kind: "password", source, name: passwordName } };
}

function nonEmpty(value: string | undefined | null): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}
