// Prints the reference's params/result/event schemas in a compact TypeScript-like form, for whoever builds a
// method to match: `bun tests/compat/shapes.ts [--depth N] cron.add device.pair.list` (events after `--event`).
// Uses the same reference install as the check (OPENCLAW_COMPAT_REF_DIR or the .tmp cache).
import { eventSchema, paramsSchema, resultSchema } from "./catalog.ts";
import { loadReference, locateReference } from "./reference.ts";

/** One schema as a type expression; objects over `depth` levels print as `{…}`. */
export function render(schema: any, depth = 0, indent = "", maxDepth = 4): string {
  if (!schema || typeof schema !== "object" || Object.keys(schema).length === 0) return "unknown";
  if ("const" in schema) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v: unknown) => JSON.stringify(v)).join(" | ");
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map((s: any) => render(s, depth, indent, maxDepth)).join(" | ");
  if (schema.allOf) return schema.allOf.map((s: any) => render(s, depth, indent, maxDepth)).join(" & ");
  const limits = (s: any) => {
    const parts: string[] = [];
    if (s.minLength !== undefined) parts.push(`min ${s.minLength}`);
    if (s.maxLength !== undefined) parts.push(`max ${s.maxLength}`);
    if (s.minimum !== undefined) parts.push(`≥${s.minimum}`);
    if (s.maximum !== undefined) parts.push(`≤${s.maximum}`);
    if (s.pattern !== undefined) parts.push(`/${s.pattern}/`);
    if (s.minItems !== undefined) parts.push(`minItems ${s.minItems}`);
    if (s.maxItems !== undefined) parts.push(`maxItems ${s.maxItems}`);
    return parts.length ? `<${parts.join(", ")}>` : "";
  };
  switch (schema.type) {
    case "string":
    case "number":
    case "boolean":
    case "null":
      return `${schema.type}${limits(schema)}`;
    case "integer":
      return `int${limits(schema)}`;
    case "array":
      return `Array<${render(schema.items, depth, indent, maxDepth)}>${limits(schema)}`;
    case "object": {
      const props = Object.entries(schema.properties ?? {});
      const pattern = schema.patternProperties ? Object.values(schema.patternProperties)[0] : undefined;
      if (props.length === 0) return pattern !== undefined ? `Record<string, ${render(pattern, depth, indent, maxDepth)}>` : schema.additionalProperties === false ? "{} (closed)" : "object";
      if (depth >= maxDepth) return "{…}";
      const required = new Set<string>(schema.required ?? []);
      const inner = `${indent}  `;
      const lines = props.map(([k, v]) => `${inner}${k}${required.has(k) ? "" : "?"}: ${render(v, depth + 1, inner, maxDepth)};`);
      if (schema.additionalProperties !== false) lines.push(`${inner}[extra: string]: unknown;`);
      return `{\n${lines.join("\n")}\n${indent}}`;
    }
  }
  if (Array.isArray(schema.type)) return schema.type.join(" | ");
  return "unknown";
}

if (import.meta.main) {
  const args = process.argv.slice(2);
  const ref = await loadReference(locateReference((l) => process.stderr.write(`${l}\n`)));
  let asEvent = false;
  let maxDepth = 4;
  for (const [i, arg] of args.entries()) {
    if (arg === "--depth" || args[i - 1] === "--depth") {
      if (arg !== "--depth") maxDepth = Number(arg);
      continue;
    }
    if (arg === "--event") {
      asEvent = true;
      continue;
    }
    const found = asEvent
      ? [["event", eventSchema(ref.schemas, arg)] as const]
      : ([["params", paramsSchema(ref.schemas, arg)], ["result", resultSchema(ref.schemas, arg)]] as const);
    for (const [what, s] of found) {
      process.stdout.write(`${arg} ${what}: ${s ? `${s.label} = ${render(s.schema, 0, "", maxDepth)}` : "(no schema)"}\n`);
    }
  }
}
