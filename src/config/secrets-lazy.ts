// The gateway's way in to SecretRef resolution: a config without refs (the usual case) resolves to an empty
// snapshot here, and the providers' code (files, exec batches) loads only when some ref needs it.
import { findSecretRefs } from "./secret-ref.ts";
import type { Resolution, ResolveOptions } from "./secrets-resolve.ts";

/** Same answer as resolveSecrets; loads the resolver only when the config holds a ref. */
export async function resolveSecretsLazily(config: Record<string, unknown>, options: ResolveOptions): Promise<Resolution> {
  if (findSecretRefs(config).length === 0) return { ok: true, values: new Map(), refs: 0, skipped: [], ignored: [] };
  return (await import("./secrets-resolve.ts")).resolveSecrets(config, options);
}
