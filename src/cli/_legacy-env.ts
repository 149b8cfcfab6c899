// `CLAWDBOT_*` variables from the project's earlier name (seed 004: CLAWDBOT_STATE_DIR, CLAWDBOT_CONFIG_PATH,
// CLAWDBOT_GATEWAY_TOKEN, …) still work: each fills the matching `OPENCLAW_*` when that one is unset.

const PREFIX = "CLAWDBOT_";

/** The env with legacy aliases applied (a copy; OPENCLAW_* wins) and the one-line notice, when any was seen. */
export function applyLegacyEnv(env: Record<string, string | undefined>): { env: Record<string, string | undefined>; notice?: string } {
  const legacy = Object.keys(env).filter((name) => name.startsWith(PREFIX) && env[name] !== undefined && name.length > PREFIX.length).sort();
  if (legacy.length === 0) return { env };
  const next = { ...env };
  for (const name of legacy) {
    const modern = `OPENCLAW_${name.slice(PREFIX.length)}`;
    if (next[modern] === undefined || next[modern] === "") next[modern] = env[name];
  }
  const renames = legacy.map((name) => `${name} → OPENCLAW_${name.slice(PREFIX.length)}`).join(", ");
  return { env: next, notice: `Deprecated environment: rename ${renames} (the OPENCLAW_* name wins when both are set).` };
}
