// SecretRef values (`{ source: "env" | "file" | "exec", provider?, id }`, the reference's contract) as the config
// holds them, and the runtime snapshot that replaces them by value: readers look a ref's config path up in the
// snapshot, so config files, `config.get` and unit files only ever hold the ref.

/** A reference to a secret kept outside the config. */
export interface SecretRef {
  source: "env" | "file" | "exec";
  provider?: string;
  id: string;
}

/** Resolved secret values by config path (`gateway.auth.token`); swapped whole, never edited in place. */
export type SecretSnapshot = ReadonlyMap<string, string>;

export const SECRET_SOURCES = ["env", "file", "exec"] as const;

/** True for an object shaped like a SecretRef (schema validation has checked the details where it applies). */
export function isSecretRef(value: unknown): value is SecretRef {
  if (!value || typeof value !== "object" || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return (SECRET_SOURCES as readonly string[]).includes(record.source as string) && typeof record.id === "string";
}

/** Every SecretRef in the config with its dotted path (`models.providers.openai.apiKey`), in document order. */
export function findSecretRefs(config: unknown, prefix = ""): { path: string; ref: SecretRef }[] {
  if (isSecretRef(config)) return [{ path: prefix, ref: config }];
  if (!config || typeof config !== "object") return [];
  // `secrets.providers` describes providers; nothing under it is a ref to resolve.
  if (prefix === "secrets") return [];
  const out: { path: string; ref: SecretRef }[] = [];
  const entries = Array.isArray(config) ? config.map((v, i) => [String(i), v] as const) : Object.entries(config);
  for (const [key, value] of entries) out.push(...findSecretRefs(value, prefix ? `${prefix}.${key}` : key));
  return out;
}

/** `source:provider:id` for messages: names the ref without any value. */
export function describeRef(ref: SecretRef): string {
  return `${ref.source}:${ref.provider ?? "default"}:${ref.id}`;
}

/**
 * The plaintext of a secret input: a string as is, a ref from the snapshot. Throws naming the path when a ref
 * has no resolved value (a ref added after the last resolution: `openclaw secrets reload` resolves it).
 */
export function secretValue(value: string | SecretRef | undefined, path: string, snapshot: SecretSnapshot | undefined): string | undefined {
  if (value === undefined || typeof value === "string") return value;
  const resolved = snapshot?.get(path);
  if (resolved === undefined) throw new UnresolvedSecretError(path, value);
  return resolved;
}

/** A SecretRef whose value is not in the snapshot (or could not be resolved): names the path and the ref, never a value. */
export class UnresolvedSecretError extends Error {
  override readonly name = "UnresolvedSecretError";
  constructor(
    readonly path: string,
    readonly ref: SecretRef,
    reason = "not resolved",
  ) {
    super(`secret ${path} (${describeRef(ref)}): ${reason}`);
  }
}
