// One checked path to a node command, shared by the `node.invoke` method and the features that act on nodes
// (the agent's canvas tool): connected, not denied by config, declared by the node, and approved at pairing.
import { GatewayError } from "../protocol/errors.ts";
import type { DevicesService } from "../devices/surface.ts";
import type { ConnectedNode, NodeRegistry } from "./registry.ts";

/** What a checked invoke needs. */
export interface InvokeDeps {
  devices: DevicesService;
  registry: NodeRegistry;
  denyCommands(): readonly string[];
}

/** One command for one node. */
export interface NodeInvokeRequest {
  nodeId: string;
  command: string;
  params?: unknown;
  timeoutMs?: number;
  idempotencyKey: string;
  sessionKey?: string;
}

export interface NodeInvokeAnswer {
  ok: true;
  nodeId: string;
  command: string;
  payload: unknown;
  payloadJSON: string | null;
}

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** The commands a live node declared in connect. */
export function declaredCommands(live: ConnectedNode): string[] {
  return strings(live.client.connect.commands);
}

/** Sends the command when every check passes; a refusal or the node's failure is a GatewayError. */
export async function invokeNode(deps: InvokeDeps, request: NodeInvokeRequest): Promise<NodeInvokeAnswer> {
  const nodeId = request.nodeId.trim();
  const command = request.command.trim();
  const node = deps.registry.get(nodeId);
  if (!node) {
    throw new GatewayError("UNAVAILABLE", "node not connected", { details: { code: "NOT_CONNECTED", nodeError: { code: "NOT_CONNECTED", message: "node not connected" }, nodeCommandDispatched: false } });
  }
  const declared = declaredCommands(node);
  const platform = node.client.connect.client.platform ?? "unknown";
  const surface = (await deps.devices.store()).getPaired(nodeId);
  const approved = surface?.nodeSurface?.commands ?? [];
  const refuse = (message: string, reason: string) => new GatewayError("INVALID_REQUEST", `node command not allowed: ${message}`, { details: { reason, command } });
  if (deps.denyCommands().includes(command)) throw refuse(`"${command}" is blocked by gateway.nodes.commands.deny`, "command not allowlisted");
  if (approved.length === 0) {
    if (declared.includes(command)) throw refuse("the node's declared command surface is pending approval; run `openclaw nodes pending`, then `openclaw nodes approve <requestId>`", "node did not declare commands");
    throw refuse("the node did not declare any supported commands", "node did not declare commands");
  }
  if (!declared.includes(command)) throw refuse(`the node (platform: ${platform}) does not support "${command}"`, "command not declared by node");
  if (!approved.includes(command)) throw refuse(`"${command}" is not in the allowlist for platform "${platform}"`, "command not allowlisted");
  const outcome = await deps.registry.invoke(node, { command, params: request.params, timeoutMs: request.timeoutMs, idempotencyKey: request.idempotencyKey, sessionKey: request.sessionKey });
  if (!outcome.ok) {
    const code = outcome.error.code?.trim();
    const message = outcome.error.message?.trim() || "node invoke failed";
    throw new GatewayError("UNAVAILABLE", code ? `${code}: ${message}` : message, { details: { nodeError: outcome.error, nodeCommandDispatched: true } });
  }
  return { ok: true, nodeId, command, payload: outcome.payload, payloadJSON: outcome.payloadJSON };
}
