// Bun macro entry: `import { configJsonSchemaMacro } from "./schema-json.ts" with { type: "macro" }` runs
// at bundle (or transpile) time, so the zod schema in schema.ts is built by the bundler, never at start.
import { configJsonSchema } from "./schema.ts";

/** The JSON Schema of the owned sections, derived from the one zod schema (inlined by the macro import). */
export function configJsonSchemaMacro(): unknown {
  return configJsonSchema();
}
