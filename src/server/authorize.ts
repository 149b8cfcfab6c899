import { GatewayError, missingScope } from "../protocol/errors.ts";
import { requiredScope } from "../protocol/method-scopes.ts";
import type { CallerInfo } from "../methods/types.ts";

// Our own names the reference table does not list; they need what their originals need.
const ALIASES: Readonly<Record<string, string>> = { "gateway.restart": "gateway.restart.request", "node.runnerInventory.update": "node.event" };

/**
 * The reference's order (spec §3.2): role check → `health` exempt → `operator.admin` allows everything →
 * the method's scope (`operator.write` also satisfies `operator.read`). Unknown methods need admin.
 */
export function authorize(caller: CallerInfo, method: string): void {
  // A node may call exactly the node-role methods (the table's "none": node.invoke.result, node.event, …).
  if (caller.role === "node" && requiredScope(ALIASES[method] ?? method) === "none") return;
  if (caller.role !== "operator") {
    throw new GatewayError("FORBIDDEN", `role ${caller.role} may not call ${method}`, { details: { code: "MISSING_SCOPE" } });
  }
  if (method === "health") return;
  if (caller.scopes.includes("operator.admin")) return;
  const required = requiredScope(ALIASES[method] ?? method) ?? "operator.admin";
  if (required === "none") throw missingScope("operator.admin");
  if (caller.scopes.includes(required)) return;
  if (required === "operator.read" && caller.scopes.includes("operator.write")) return;
  throw missingScope(required);
}
