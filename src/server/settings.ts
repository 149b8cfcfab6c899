import type { ConfigSnapshot } from "../config/load.ts";
import { UnresolvedSecretError, type SecretSnapshot } from "../config/secret-ref.ts";
import { resolveGatewaySettings, type GatewayOverrides, type SettingSource } from "../config/resolve.ts";
import type { AuthSettings } from "../surface/auth.ts";
import type { BindPlan } from "../surface/net.ts";
import { planBind, BindError } from "./bind.ts";
import { GatewayStartError } from "./start-errors.ts";

/** Everything the listener needs, decided once before binding. */
export interface StartSettings {
  port: number;
  bind: BindPlan;
  auth: AuthSettings;
  /** Where the secret came from, for messages that must never show the secret itself. */
  secretSource?: SettingSource | "generated";
  /** Set when no secret was configured on a loopback bind, so a one-run token was made. */
  generatedToken?: string;
}

/** Applies the start-up guards of the seeds and resolves port, bind and auth. */
export function resolveStartSettings(
  snapshot: ConfigSnapshot,
  overrides: GatewayOverrides & { allowUnconfigured?: boolean; secrets?: SecretSnapshot },
  env: Record<string, string | undefined>,
  interfaces?: Parameters<typeof planBind>[2],
): StartSettings {
  const gateway = snapshot.config.gateway ?? {};
  if (gateway.mode !== "local" && !overrides.allowUnconfigured) {
    throw new GatewayStartError(
      "unconfigured",
      `Gateway start blocked: set gateway.mode=local (current: ${gateway.mode ?? "unset"})`,
      `Run \`openclaw config set gateway.mode local\` or start with --allow-unconfigured. Config: ${snapshot.paths.configPath}`,
    );
  }
  let resolved: ReturnType<typeof resolveGatewaySettings>;
  try {
    resolved = resolveGatewaySettings(snapshot, overrides, env, overrides.secrets);
  } catch (error) {
    if (error instanceof UnresolvedSecretError) throw new GatewayStartError("config-invalid", error.message, "Fix the SecretRef or its provider, then run `openclaw secrets reload`.");
    throw error;
  }
  let bind: BindPlan;
  try {
    bind = planBind(resolved.bind, gateway.customBindHost, interfaces);
  } catch (error) {
    if (error instanceof BindError) throw new GatewayStartError("config-invalid", error.message);
    throw error;
  }
  const mode = (resolved.authMode ?? (resolved.token ? "token" : resolved.password ? "password" : undefined)) as AuthSettings["mode"] | undefined;
  const auth: AuthSettings = {
    mode: mode ?? "token",
    token: resolved.token,
    password: resolved.password,
    trustedProxy: gateway.auth?.trustedProxy,
    trustedProxies: gateway.trustedProxies,
  };
  const where = `${bind.hosts[0]}:${resolved.port}`;
  const refuse = (why: string) =>
    new GatewayStartError(
      "unsafe-bind",
      `refusing to bind gateway to ${where} without auth`,
      `${why} Set gateway.auth.token (or --token / OPENCLAW_GATEWAY_TOKEN), or keep --bind loopback.`,
    );
  if (auth.mode === "none" && !bind.loopbackOnly) throw refuse("auth mode none is only allowed on loopback.");
  if (auth.mode === "token" && !auth.token && !bind.loopbackOnly) throw refuse("No gateway token is configured.");
  if (auth.mode === "password" && !auth.password) {
    if (!bind.loopbackOnly) throw refuse("No gateway password is configured.");
    throw new GatewayStartError("config-invalid", "auth mode password needs a password", "Set gateway.auth.password, --password or OPENCLAW_GATEWAY_PASSWORD.");
  }
  if (auth.mode === "trusted-proxy" && !(gateway.trustedProxies?.length ?? 0) && !bind.loopbackOnly) {
    throw refuse("trusted-proxy mode needs gateway.trustedProxies.");
  }
  let generatedToken: string | undefined;
  let secretSource: StartSettings["secretSource"] = auth.mode === "password" ? resolved.passwordSource : resolved.tokenSource;
  if (auth.mode === "token" && !auth.token) {
    // Loopback without any secret: never run open; make a token for this run and say so.
    generatedToken = Buffer.from(crypto.getRandomValues(new Uint8Array(24))).toString("base64url");
    auth.token = generatedToken;
    secretSource = "generated";
  }
  return { port: resolved.port, bind, auth, secretSource, generatedToken };
}
