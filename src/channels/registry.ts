// The channel plugins this build knows, each a lazy import, and a config-only inventory of their accounts
// (what `channels list` and the unreachable-gateway fallback of `channels status` show; nothing is started).
import { getAtPath } from "../config/key-path.ts";
import { isSecretRef } from "../config/secret-ref.ts";
import type { AccountConfig, ChannelPlugin } from "./types.ts";

export const CHANNEL_PLUGINS: Record<string, () => Promise<ChannelPlugin>> = {
  telegram: () => import("./telegram/plugin.ts").then((m) => m.telegramPlugin),
};

/** True when the config has a section for a channel this build knows. */
export function anyChannelConfigured(config: Record<string, unknown>): boolean {
  const sections = (config as any).channels;
  return Boolean(sections && Object.keys(CHANNEL_PLUGINS).some((id) => sections[id] && typeof sections[id] === "object"));
}

export interface ChannelInventory {
  id: string;
  label: string;
  defaultAccountId: string;
  accounts: Array<{ account: AccountConfig; details: Record<string, unknown> }>;
}

/** Every configured channel and its accounts, read from config alone. */
export async function channelInventory(config: Record<string, unknown>, env: Record<string, string | undefined>): Promise<ChannelInventory[]> {
  const sections = ((config as any).channels ?? {}) as Record<string, any>;
  const out: ChannelInventory[] = [];
  for (const [id, load] of Object.entries(CHANNEL_PLUGINS)) {
    const section = sections[id];
    if (!section || typeof section !== "object") continue;
    const plugin = await load();
    // The resolver loads only here, with a channel configured: a gateway start never pays for it.
    const { resolveSecretSync } = await import("../config/secrets-resolve.ts");
    const accounts = plugin.accounts(section, env, (path) => localSecret(config, `channels.${id}.${path}`, env, resolveSecretSync));
    out.push({ id, label: plugin.label, defaultAccountId: plugin.defaultAccountId(section, accounts), accounts: accounts.map((account) => ({ account, details: plugin.describe(account) })) });
  }
  return out;
}

/** An env or file SecretRef read here, as a CLI may; exec refs (and failures) stay unresolved. */
function localSecret(config: Record<string, unknown>, path: string, env: Record<string, string | undefined>, resolveSecretSync: typeof import("../config/secrets-resolve.ts").resolveSecretSync): string | undefined {
  const ref = getAtPath(config, path.split("."));
  if (!isSecretRef(ref) || ref.source === "exec") return undefined;
  try {
    return resolveSecretSync(ref, path, config, { env });
  } catch {
    return undefined;
  }
}
