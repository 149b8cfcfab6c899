// Owner isolation (the reference's runtime model): a ref that fails for a model provider or a channel account
// does not take the whole gateway down with it. At start that owner is cold (no value: its calls fail naming the
// path); on reload it keeps its last good value (stale) while its ref and provider are unchanged, else it goes
// cold. Every other failure (gateway auth, hooks, remote credentials) is strict: the start or reload is refused.
import { describeRef, findSecretRefs, type SecretSnapshot, type UnresolvedSecretError } from "../config/secret-ref.ts";
import { resolveSecretsLazily as resolveSecrets } from "../config/secrets-lazy.ts";
import type { Resolution } from "../config/secrets-resolve.ts";
import type { GatewayLogger } from "../logging/index.ts";
import type { SecretOwnerWarning } from "../methods/types.ts";

/** The published snapshot with what each value was resolved from (ref and provider definition). */
export interface SecretState {
  values: SecretSnapshot;
  /** path → identity of the ref that produced the value, to tell a stale owner from a changed one. */
  identities: ReadonlyMap<string, string>;
}

export const EMPTY_SECRETS: SecretState = { values: new Map(), identities: new Map() };

export type Settled =
  | { ok: true; state: SecretState; refs: number; warnings: SecretOwnerWarning[]; ignored: { path: string; reason: string }[] }
  | { ok: false; errors: UnresolvedSecretError[] };

/** Resolves the active refs of `config` and settles them against the published state. */
export async function resolveOwners(config: Record<string, unknown>, env: Record<string, string | undefined>, previous: SecretState): Promise<Settled> {
  return settle(config, await resolveSecrets(config, { env, activeOnly: true }), previous);
}

/** Logs a published resolution: its values join the redactor first, then degraded owners and ignored refs. */
export function logSettled(logger: GatewayLogger, settled: Extract<Settled, { ok: true }>): void {
  for (const value of settled.state.values.values()) logger.redact(value);
  for (const warning of settled.warnings) logger.warn(describeWarning(warning));
  for (const { path, reason } of settled.ignored) logger.info(`SECRETS_REF_IGNORED_INACTIVE_SURFACE: ${path} is not resolved (${reason})`);
}

/** Model provider keys and channel credentials: owners whose failure the gateway can run without. */
export function isolatable(path: string): boolean {
  return /^models\.providers\.[^.]+\.apiKey$/.test(path) || path.startsWith("channels.");
}

/** Turns a resolution into the snapshot to publish, or the strict failures that refuse it. */
export function settle(config: Record<string, unknown>, resolution: Resolution, previous: SecretState): Settled {
  const identities = identitiesOf(config);
  if (resolution.ok) return { ok: true, state: { values: resolution.values, identities }, refs: resolution.refs, warnings: [], ignored: resolution.ignored };
  const strict = resolution.errors.filter((e) => !isolatable(e.path));
  if (strict.length > 0) return { ok: false, errors: resolution.errors };
  const values = new Map(resolution.values);
  const warnings: SecretOwnerWarning[] = [];
  for (const error of resolution.errors) {
    const kept = previous.values.get(error.path);
    const same = kept !== undefined && previous.identities.get(error.path) === identities.get(error.path);
    if (same) values.set(error.path, kept);
    warnings.push({ path: error.path, state: same ? "stale" : "cold", message: error.message });
  }
  return { ok: true, state: { values, identities }, refs: resolution.values.size + resolution.errors.length, warnings, ignored: resolution.ignored };
}

/** One log line per degraded owner: the ref and why, never a value. */
export function describeWarning(warning: SecretOwnerWarning): string {
  return warning.state === "stale"
    ? `SECRETS_OWNER_STALE: ${warning.message}; keeping its last good value`
    : `SECRETS_OWNER_UNAVAILABLE: ${warning.message}; this owner stays unavailable until \`openclaw secrets reload\` resolves it`;
}

function identitiesOf(config: Record<string, unknown>): Map<string, string> {
  const providers = ((config.secrets as { providers?: Record<string, unknown> } | undefined)?.providers ?? {}) as Record<string, unknown>;
  const out = new Map<string, string>();
  for (const { path, ref } of findSecretRefs(config)) out.set(path, JSON.stringify([describeRef(ref), providers[ref.provider ?? "default"] ?? null]));
  return out;
}
