// The config check at start without zod (zod's schema costs ~5 MB and ~14 ms there, BENCHMARKS.md). schema.json is
// generated from the one zod schema in schema.ts (schema-json.ts, run by build.ts before every compile); this small
// interpreter accepts only what zod would accept and builds the same output (keys in zod's order). Anything it does
// not accept, or any keyword it does not know, goes to zod, which decides and words the refusal.
import GENERATED from "./schema.json";

type Node = Record<string, unknown>;
const SCHEMA = GENERATED as Node;
// Keywords this interpreter understands exactly; a node with any other keyword is left to zod.
const KNOWN = new Set(["$schema", "type", "properties", "required", "additionalProperties", "propertyNames", "items", "enum", "anyOf", "minimum", "maximum", "minLength", "maxLength", "pattern", "format", "description"]);
const FAIL = Symbol("fail");
const patterns = new Map<string, RegExp>();

/** The validated copy of a parsed config as zod would return it, or undefined when zod must decide. */
export function fastCheckConfig(value: unknown): Record<string, unknown> | undefined {
  const out = check(SCHEMA, value);
  return out === FAIL ? undefined : (out as Record<string, unknown>);
}

function check(node: Node, value: unknown): unknown {
  for (const key in node) if (!KNOWN.has(key)) return FAIL;
  if (node.anyOf) {
    for (const option of node.anyOf as Node[]) {
      const out = check(option, value);
      if (out !== FAIL) return out;
    }
    return FAIL;
  }
  if (node.enum && !(node.enum as unknown[]).includes(value)) return FAIL;
  switch (node.type) {
    case undefined:
      // `{}` is z.unknown(): any value, passed through as it is.
      return Object.keys(node).length === 0 ? value : FAIL;
    case "string":
      return typeof value === "string" && stringOk(node, value) ? value : FAIL;
    case "integer":
      return typeof value === "number" && Number.isSafeInteger(value) && rangeOk(node, value) ? value : FAIL;
    case "number":
      return typeof value === "number" && Number.isFinite(value) && rangeOk(node, value) ? value : FAIL;
    case "boolean":
      return typeof value === "boolean" ? value : FAIL;
    case "array":
      return Array.isArray(value) ? arrayOf(node, value) : FAIL;
    case "object":
      return value !== null && typeof value === "object" && !Array.isArray(value) ? objectOf(node, value as Node) : FAIL;
    default:
      return FAIL;
  }
}

function stringOk(node: Node, value: string): boolean {
  // zod counts UTF-16 code units, as .length does.
  if (typeof node.minLength === "number" && value.length < node.minLength) return false;
  if (typeof node.maxLength === "number" && value.length > node.maxLength) return false;
  if (node.format !== undefined && node.pattern === undefined) return false;
  if (typeof node.pattern === "string") {
    let re = patterns.get(node.pattern);
    if (!re) patterns.set(node.pattern, (re = new RegExp(node.pattern)));
    if (!re.test(value)) return false;
  }
  return true;
}

function rangeOk(node: Node, value: number): boolean {
  return !(typeof node.minimum === "number" && value < node.minimum) && !(typeof node.maximum === "number" && value > node.maximum);
}

function arrayOf(node: Node, value: unknown[]): unknown {
  const items = (node.items ?? {}) as Node;
  const out: unknown[] = [];
  for (const item of value) {
    const checked = check(items, item);
    if (checked === FAIL) return FAIL;
    out.push(checked);
  }
  return out;
}

function objectOf(node: Node, value: Node): unknown {
  if (Object.hasOwn(value, "__proto__")) return FAIL; // zod's handling of it is its own business
  const properties = (node.properties ?? {}) as Record<string, Node>;
  const required = (node.required ?? []) as string[];
  const extra = node.additionalProperties;
  if (node.propertyNames !== undefined && (node.propertyNames as Node).type !== "string") return FAIL;
  const out: Node = {};
  // zod builds its output with the declared keys first, in declaration order, then the others as authored.
  for (const key in properties) {
    if (!Object.hasOwn(value, key)) {
      if (required.includes(key)) return FAIL;
      continue;
    }
    const checked = check(properties[key]!, value[key]);
    if (checked === FAIL) return FAIL;
    out[key] = checked;
  }
  for (const key of Object.keys(value)) {
    if (Object.hasOwn(properties, key)) continue;
    if (extra === false) return FAIL;
    const checked = extra === undefined ? value[key] : check(extra as Node, value[key]);
    if (checked === FAIL) return FAIL;
    out[key] = checked;
  }
  return out;
}
