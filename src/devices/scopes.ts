// Which granted scopes cover which requested ones, as the reference decides it for paired devices.

/** True when `requested` is covered by `granted` (admin covers every operator scope; write covers read and talk). */
export function scopeSatisfied(role: string, requested: string, granted: readonly string[]): boolean {
  if (role !== "operator") return requested.startsWith(`${role}.`) && granted.includes(requested);
  if (!requested.startsWith("operator.")) return false;
  if (granted.includes(requested) || granted.includes("operator.admin")) return true;
  const impliedByWrite = ["operator.read", "operator.talk", "operator.sessions.read", "operator.sessions.write"];
  if (impliedByWrite.includes(requested) && granted.includes("operator.write")) return true;
  return requested === "operator.sessions.read" && (granted.includes("operator.read") || granted.includes("operator.sessions.write"));
}

/** The first requested scope the grant does not cover, or undefined when all are covered. */
export function missingScope(role: string, requested: readonly string[], granted: readonly string[]): string | undefined {
  return requested.map((s) => s.trim()).find((s) => s !== "" && !scopeSatisfied(role, s, granted));
}

/** Sorted, trimmed, without duplicates or blanks (how the reference stores scope lists). */
export function normalizeScopes(scopes: readonly string[] | undefined): string[] {
  return [...new Set((scopes ?? []).map((s) => s.trim()).filter(Boolean))].sort();
}
