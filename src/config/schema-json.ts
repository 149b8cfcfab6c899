// Generates src/config/schema.json, the JSON Schema of the owned sections, from the one zod schema (schema.ts):
// the zod-free start check (fast-check.ts) reads it, so start never builds the zod schema. build.ts regenerates it
// before every compile; `bun src/config/schema-json.ts` does it by hand, and a test fails when it is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { configJsonSchema } from "./schema.ts";

/** The file's text for the schema in this tree. */
export function renderConfigJsonSchema(): string {
  return `${JSON.stringify(configJsonSchema())}\n`;
}

/** Rewrites `<srcDir>/config/schema.json` when it differs; returns true when it was stale. */
export function writeConfigJsonSchema(srcDir: string): boolean {
  const file = join(srcDir, "config", "schema.json");
  const text = renderConfigJsonSchema();
  let current = "";
  try {
    current = readFileSync(file, "utf8");
  } catch {
    // missing: written below
  }
  if (current === text) return false;
  writeFileSync(file, text);
  return true;
}

if (import.meta.main) console.log(writeConfigJsonSchema(join(import.meta.dir, "..")) ? "src/config/schema.json regenerated" : "src/config/schema.json is current");
