// Handshake facts many connections have alike (a CLI's connect declaration, its scopes list), kept as one frozen
// copy each instead of one per connection: at 10,000 idle CLI clients that is ~10,000 objects and arrays fewer.
import type { ClientDeclaration } from "../surface/types.ts";

// Bounded both ways, so a client declaring something new on every connect costs at most this much for good.
const MAX_ENTRIES = 256;
const MAX_KEY_CHARS = 1024;
const declarations = new Map<string, ClientDeclaration>();
const scopeLists = new Map<string, readonly string[]>();
const NO_SCOPES: readonly string[] = Object.freeze([]);

/** The shared frozen copy of a connect declaration equal to this one (same JSON), or this one when none fits. */
export function sharedDeclaration(declared: ClientDeclaration): ClientDeclaration {
  const key = JSON.stringify(declared);
  return intern(declarations, key, declared);
}

/** The shared frozen list with these scopes in this order. */
export function sharedScopes(scopes: readonly string[]): readonly string[] {
  if (scopes.length === 0) return NO_SCOPES;
  return intern(scopeLists, scopes.join("\u0000"), scopes);
}

function intern<T>(table: Map<string, T>, key: string, value: T): T {
  const hit = table.get(key);
  if (hit !== undefined) return hit;
  if (key.length > MAX_KEY_CHARS || table.size >= MAX_ENTRIES) return value;
  deepFreeze(value);
  table.set(key, value);
  return value;
}

// Shared between connections, so no reader may change it for the others.
function deepFreeze(value: unknown): void {
  if (value === null || typeof value !== "object" || Object.isFrozen(value)) return;
  Object.freeze(value);
  for (const member of Object.values(value)) deepFreeze(member);
}
