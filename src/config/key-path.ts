import { ConfigError } from "./errors.ts";

/** Splits `a.b[0]["x.y"]` into segments; brackets let a key contain dots. */
export function parseKeyPath(path: string): string[] {
  const segments: string[] = [];
  const pattern = /([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]|\['([^']*)'\]/y;
  let index = 0;
  while (index < path.length) {
    if (path[index] === "." && index > 0) index++;
    pattern.lastIndex = index;
    const match = pattern.exec(path);
    if (!match) break;
    segments.push(match[1] ?? match[2] ?? (match[3] !== undefined ? JSON.parse(`"${match[3]}"`) : match[4]!));
    index = pattern.lastIndex;
  }
  if (path.trim() === "" || index !== path.length || segments.length === 0) {
    throw new ConfigError("EPATH", `Invalid config path ${JSON.stringify(path)} (use dots, e.g. gateway.port)`);
  }
  for (const segment of segments) {
    // These names would reach Object.prototype when the path is applied.
    if (segment === "__proto__" || segment === "constructor" || segment === "prototype") {
      throw new ConfigError("EPATH", `Invalid config path ${JSON.stringify(path)}: segment "${segment}" is not allowed`);
    }
  }
  return segments;
}

/** Reads the value at a path, or `undefined` when any step is missing. */
export function getAtPath(root: unknown, segments: string[]): unknown {
  let current: unknown = root;
  for (const segment of segments) {
    if (current === null || typeof current !== "object" || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/** Returns a copy of `root` with `value` at the path, creating objects (or array slots) on the way. */
export function setAtPath(root: Record<string, unknown>, segments: string[], value: unknown): Record<string, unknown> {
  const copy = structuredClone(root);
  let current: Record<string, unknown> | unknown[] = copy;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const container = current as Record<string, unknown>;
    if (last) {
      container[segment] = value;
      return;
    }
    const next = container[segment];
    if (next === null || typeof next !== "object") {
      container[segment] = /^\d+$/.test(segments[i + 1]!) ? [] : {};
    }
    current = container[segment] as Record<string, unknown>;
  });
  return copy;
}

/** Returns a copy without the key at the path, or `undefined` when the key is absent. */
export function unsetAtPath(root: Record<string, unknown>, segments: string[]): Record<string, unknown> | undefined {
  const parentPath = segments.slice(0, -1);
  const key = segments[segments.length - 1]!;
  const parent = getAtPath(root, parentPath);
  if (parent === null || typeof parent !== "object" || !Object.hasOwn(parent, key)) return undefined;
  const copy = structuredClone(root);
  const copyParent = getAtPath(copy, parentPath) as Record<string, unknown> | unknown[];
  if (Array.isArray(copyParent)) copyParent.splice(Number(key), 1);
  else delete copyParent[key];
  return copy;
}
