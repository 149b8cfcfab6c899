// The `config.schema` answer in the reference's shape: schema, per-path UI hints, version, generation time.
import { VERSION } from "../version.ts";
import { isSecretKey } from "./redact.ts";
// The JSON Schema generated from the zod schema at build time (schema-json.ts; a test holds it current): answering
// from it keeps zod's schema (~5 MB, BENCHMARKS.md) unloaded, as the start's fast check does.
import GENERATED from "./schema.json";

/** One path's UI metadata (a subset of the reference's ConfigUiHint: label and sensitive). */
export interface ConfigUiHint {
  label?: string;
  help?: string;
  sensitive?: boolean;
}

/** What `config.schema` returns; every field is required by the reference's ConfigSchemaResponse. */
export interface ConfigSchemaResponse {
  schema: unknown;
  uiHints: Record<string, ConfigUiHint>;
  version: string;
  generatedAt: string;
}

let cached: ConfigSchemaResponse | undefined;

/**
 * Builds the answer once per process (the schema cannot change while running), so `generatedAt` is the
 * time it was generated, as in the reference; callers get a copy they may not alter the cache through.
 */
export function configSchemaResponse(now: () => Date = () => new Date()): ConfigSchemaResponse {
  if (!cached) {
    const schema = structuredClone(GENERATED) as unknown;
    cached = { schema, uiHints: uiHintsFor(schema), version: VERSION, generatedAt: now().toISOString() };
  }
  return structuredClone(cached);
}

/** A hint for every property path of a JSON Schema: a label from its key, its description, secrets flagged. */
export function uiHintsFor(schema: unknown): Record<string, ConfigUiHint> {
  const hints: Record<string, ConfigUiHint> = {};
  const walk = (node: unknown, prefix: string) => {
    const properties = (node as { properties?: Record<string, unknown> } | null)?.properties;
    if (!properties || typeof properties !== "object") return;
    for (const [key, child] of Object.entries(properties)) {
      if (key === "$schema") continue;
      const path = prefix ? `${prefix}.${key}` : key;
      const hint: ConfigUiHint = { label: labelFor(key) };
      const description = (child as { description?: unknown } | null)?.description;
      if (typeof description === "string" && description !== "") hint.help = description;
      if (isSecretKey(key)) hint.sensitive = true;
      hints[path] = hint;
      walk(child, path);
    }
  };
  walk(schema, "");
  return hints;
}

// `debounceMs` → "Debounce Ms", `allowedOrigins` → "Allowed Origins".
function labelFor(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_-]+/g, " ")
    .replace(/\b\w/g, (c) => c.toUpperCase());
}
