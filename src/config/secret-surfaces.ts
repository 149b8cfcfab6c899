// Which SecretRefs the gateway must resolve: only those on an effectively active surface (the reference's
// runtime model). A ref on a disabled Telegram account, a root token no enabled account inherits, hooks that are
// off, or a remote credential nothing dials cannot block a start or a reload; it is reported as ignored.

type Env = Record<string, string | undefined>;
type Section = Record<string, any>;

/** Why the ref at `path` is inactive, or undefined when the gateway must resolve it. */
export function inactiveReason(config: Record<string, unknown>, path: string, env: Env): string | undefined {
  const segments = path.split(".");
  if (path === "hooks.token") return (config as Section).hooks?.enabled === true ? undefined : "hooks.enabled is not true";
  if (path === "gateway.remote.token" || path === "gateway.remote.password") return remoteInactive(config as Section, segments[2] as "token" | "password", env);
  if (segments[0] === "channels" && segments[1] === "telegram") return telegramInactive(((config as Section).channels?.telegram ?? {}) as Section, segments.slice(2));
  return undefined;
}

/** Remote credentials matter when something dials a remote, or as the local CLI's last fallback. */
function remoteInactive(config: Section, kind: "token" | "password", env: Env): string | undefined {
  const gateway = config.gateway ?? {};
  const tailscale = gateway.tailscale?.mode;
  if (gateway.mode === "remote" || (typeof gateway.remote?.url === "string" && gateway.remote.url) || tailscale === "serve" || tailscale === "funnel") return undefined;
  const local = gateway.auth?.[kind];
  const fromEnv = kind === "token" ? env.OPENCLAW_GATEWAY_TOKEN : env.OPENCLAW_GATEWAY_PASSWORD;
  return local !== undefined || fromEnv ? `gateway.mode is local and gateway.auth.${kind} or its env variable wins` : undefined;
}

/** Mirrors channels/telegram/config.ts: only the default account inherits root values. */
function telegramInactive(section: Section, rest: string[]): string | undefined {
  if (section.enabled === false) return "channels.telegram.enabled is false";
  const accounts: Section = section.accounts && typeof section.accounts === "object" ? section.accounts : {};
  if (rest[0] === "accounts" && rest.length === 3) {
    const account: Section = accounts[rest[1]!] ?? {};
    if (account.enabled === false) return `account ${rest[1]} is disabled`;
    if (rest[2] === "webhookSecret") {
      const url = account.webhookUrl ?? (rest[1] === "default" ? section.webhookUrl : undefined);
      return url ? undefined : `account ${rest[1]} has no webhookUrl`;
    }
    return undefined;
  }
  if (rest.length !== 1) return undefined;
  const own: Section = accounts.default ?? {};
  if (own.enabled === false) return "the default account is disabled";
  if (rest[0] === "botToken") return own.botToken || own.tokenFile ? "accounts.default sets its own token" : undefined;
  if (rest[0] === "webhookSecret") {
    if (own.webhookSecret !== undefined) return "accounts.default sets its own webhookSecret";
    return own.webhookUrl ?? section.webhookUrl ? undefined : "no webhookUrl uses it";
  }
  return undefined;
}
