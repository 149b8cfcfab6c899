// Mapping templates: `{{payload.field}}` or `{{field}}`, `{{messages[0].subject}}`, `{{headers.x-event-type}}`,
// `{{query.kind}}`, `{{path}}`, `{{now}}`. Missing/null values render empty; objects render as JSON.

export interface TemplateContext {
  payload: Record<string, unknown>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  query: Record<string, string>;
  /** The hook sub-path (after `hooks.path`). */
  path: string;
}

const EXPRESSION = /\{\{\s*([^{}]*?)\s*\}\}/g;
const UNSAFE = new Set(["__proto__", "prototype", "constructor"]);

export function hasTemplate(text: string): boolean {
  return /\{\{[^{}]*\}\}/.test(text);
}

export function renderTemplate(template: string, ctx: TemplateContext): string {
  return template.replace(EXPRESSION, (_, expression: string) => stringify(lookup(expression, ctx)));
}

function lookup(expression: string, ctx: TemplateContext): unknown {
  if (expression === "now") return new Date().toISOString();
  if (expression === "path") return ctx.path;
  if (expression === "payload") return ctx.payload;
  if (expression.startsWith("headers.")) return own(ctx.headers, expression.slice("headers.".length).toLowerCase());
  if (expression.startsWith("query.")) return own(ctx.query, expression.slice("query.".length));
  return walk(ctx.payload, expression.startsWith("payload.") ? expression.slice("payload.".length) : expression);
}

/** Follows `a.b[0].c` through own properties only; anything else is undefined. */
export function walk(root: unknown, path: string): unknown {
  const steps: string[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) steps.push(match[1] ?? match[2]!);
  let value = root;
  for (const step of steps) {
    if (value === null || typeof value !== "object") return undefined;
    value = own(value as Record<string, unknown>, step);
  }
  return value;
}

function own(object: Record<string, unknown>, key: string): unknown {
  if (UNSAFE.has(key) || !Object.hasOwn(object, key)) return undefined;
  return object[key];
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}
