// The node-role replies about queued work: node.event (reported facts, see events.ts), node.pending.drain and
// node.pending.enqueue (work items, work.ts), node.pending.pull and node.pending.ack (actions an iOS node could not
// run in the background, actions.ts), and the runner inventory the reference node host publishes.
import { z } from "zod";
import { parseParams } from "../methods/_params.ts";
import type { CallerInfo, MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { NodesContext } from "./context.ts";
import { liveCommands, pairingChanged } from "./invoke.ts";
import { WORK_TYPES } from "./work.ts";

const id = z.string().min(1);
const Empty = z.object({}).strict();
const EventParams = z.object({ event: id, payload: z.unknown().optional(), payloadJSON: z.string().optional() }).strict();
const EnqueueParams = z
  .object({ nodeId: id, type: z.enum(WORK_TYPES), priority: z.enum(["normal", "high"]).optional(), expiresInMs: z.number().int().min(1000).max(86_400_000).optional(), wake: z.boolean().optional() })
  .strict();
const DrainParams = z.object({ maxItems: z.number().int().min(1).max(10).optional() }).strict();
const AckParams = z.object({ ids: z.array(id).min(1) }).strict();

export function pendingMethods(ctx: NodesContext): MethodFamily {
  const { registry } = ctx;
  const isNode = async (nodeId: string) => ((await ctx.devices.store()).getPaired(nodeId)?.roles ?? []).includes("node");
  /** The calling node, which must be the current connection of a paired node. */
  const currentNode = async (caller: CallerInfo, what: string, missing = "nodeId required") => {
    const nodeId = caller.deviceId?.trim();
    if (!nodeId) throw new GatewayError("INVALID_REQUEST", missing);
    if (!(await isNode(nodeId)) || registry.get(nodeId)?.connId !== caller.connId) throw pairingChanged(what);
    return nodeId;
  };

  return {
    "node.event": async (params, { caller }) => {
      const p = parseParams("node.event", EventParams, params);
      const nodeId = caller.deviceId?.trim() || caller.clientId || "node";
      const result = await ctx.onEvent({ nodeId, connId: caller.connId }, p.event, p.payload, p.payloadJSON);
      if (result.reason === "pairing_changed") throw pairingChanged();
      return result;
    },

    // The reference node host publishes its runner inventory after connect; this gateway runs no node workers,
    // so the declaration is acknowledged for the node's current connection and not kept.
    "node.runnerInventory.update": async (params, { caller }) => {
      const nodeId = caller.deviceId;
      if (!nodeId) throw new GatewayError("INVALID_REQUEST", "nodeId required");
      if (params === null || typeof params !== "object" || Array.isArray(params)) throw new GatewayError("INVALID_REQUEST", "invalid node runner inventory");
      if (registry.get(nodeId)?.connId !== caller.connId) throw new GatewayError("INVALID_REQUEST", "unknown nodeId");
      return { nodeId };
    },

    "node.pending.enqueue": async (params) => {
      const p = parseParams("node.pending.enqueue", EnqueueParams, params);
      const nodeId = p.nodeId.trim();
      if (!(await isNode(nodeId))) throw pairingChanged("pending work");
      const queued = ctx.work.enqueue(nodeId, p.type, p.priority ?? "normal", p.expiresInMs);
      // No push transport: a node that is not connected is never woken, it drains when it reconnects.
      return { nodeId, revision: queued.revision, queued: queued.item, wakeTriggered: false };
    },
    "node.pending.drain": async (params, { caller }) => {
      const { maxItems } = parseParams("node.pending.drain", DrainParams, params);
      const nodeId = await currentNode(caller, "pending work", "node.pending.drain requires a connected device identity");
      return { nodeId, ...ctx.work.drain(nodeId, maxItems) };
    },

    "node.pending.pull": async (params, { caller }) => {
      parseParams("node.pending.pull", Empty, params);
      const nodeId = await currentNode(caller, "invocation");
      const node = registry.get(nodeId)!;
      const pending = ctx.actions.list(nodeId);
      // Actions the policy no longer allows (config changed, surface narrowed) are dropped, not handed out.
      const approved = (await ctx.devices.store()).getPaired(nodeId)?.nodeSurface?.commands;
      const live = liveCommands(ctx, node, approved);
      const allowed = pending.filter((a) => live.check(a.command).ok);
      if (allowed.length !== pending.length) ctx.actions.replace(nodeId, allowed);
      return { nodeId, actions: allowed.map((a) => ({ id: a.id, command: a.command, paramsJSON: a.paramsJSON ?? null, enqueuedAtMs: a.enqueuedAtMs })) };
    },
    "node.pending.ack": async (params, { caller }) => {
      const { ids } = parseParams("node.pending.ack", AckParams, params);
      const nodeId = await currentNode(caller, "invocation");
      const ackedIds = [...new Set(ids.map((i) => i.trim()).filter(Boolean))];
      const remaining = ctx.actions.ack(nodeId, ackedIds);
      return { nodeId, ackedIds, remainingCount: remaining.length };
    },
  };
}
