// node.* methods: the catalog (paired node devices + live connections), node pairing as a view of device
// pairing, node.invoke through the registry, the node-role replies (invoke.result, event, pending.*).
import { z } from "zod";
import { parseParams } from "../methods/_params.ts";
import type { CallerInfo, MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { DevicesService } from "../devices/surface.ts";
import type { PairedDevice, PendingRequest } from "../devices/store.ts";
import { WorkQueue, WORK_TYPES } from "./work.ts";
import type { ConnectedNode, NodeRegistry } from "./registry.ts";

/** What the node methods act through. */
export interface NodeMethodDeps {
  devices: DevicesService;
  registry: NodeRegistry;
  work: WorkQueue;
  denyCommands(): readonly string[];
  log: { info(message: string): void; warn(message: string): void };
}

const id = z.string().min(1);
const Empty = z.object({}).strict();
const NodeIdParams = z.object({ nodeId: id }).strict();
const RequestParams = z.object({ requestId: id }).strict();
const RenameParams = z.object({ nodeId: id, displayName: id }).strict();
const InvokeParams = z
  .object({
    nodeId: id,
    command: id,
    params: z.unknown().optional(),
    timeoutMs: z.number().int().min(0).optional(),
    idempotencyKey: id,
    sessionKey: id.optional(),
    turnSourceChannel: z.string().optional(),
    turnSourceTo: z.string().optional(),
    turnSourceAccountId: z.string().optional(),
    turnSourceThreadId: z.union([z.string(), z.number()]).optional(),
  })
  .strict();
const ResultParams = z
  .object({
    id,
    nodeId: id,
    ok: z.boolean(),
    payload: z.unknown().optional(),
    payloadJSON: z.string().optional(),
    error: z.object({ code: id.optional(), message: id.optional() }).strict().optional(),
  })
  .strict();
const EventParams = z.object({ event: id, payload: z.unknown().optional(), payloadJSON: z.string().optional() }).strict();
const EnqueueParams = z
  .object({ nodeId: id, type: z.enum(WORK_TYPES), priority: z.enum(["normal", "high"]).optional(), expiresInMs: z.number().int().min(1000).max(86_400_000).optional(), wake: z.boolean().optional() })
  .strict();
const DrainParams = z.object({ maxItems: z.number().int().min(1).max(10).optional() }).strict();
const AckParams = z.object({ ids: z.array(id).min(1) }).strict();

const isNode = (d: PairedDevice) => (d.roles ?? []).includes("node");
const sortedUnique = (v: readonly string[] | undefined) => (v ? [...new Set(v)].sort() : undefined);

/** One NodeListNode row from the paired record and the live connection (live values win). */
function nodeRow(nodeId: string, paired: PairedDevice | undefined, live: ConnectedNode | undefined, registry: NodeRegistry): Record<string, unknown> {
  const client = live?.client.connect.client;
  const declared = live?.client.connect;
  const surface = paired?.nodeSurface;
  const liveCommands = Array.isArray(declared?.commands) ? (declared.commands as unknown[]).filter((c): c is string => typeof c === "string") : undefined;
  const row: Record<string, unknown> = {
    nodeId,
    displayName: paired?.operatorLabel ?? client?.displayName ?? paired?.displayName,
    platform: client?.platform ?? paired?.platform,
    version: client?.version ?? surface?.version,
    clientId: client?.id ?? paired?.clientId,
    clientMode: client?.mode ?? paired?.clientMode,
    deviceFamily: client?.deviceFamily ?? paired?.deviceFamily,
    modelIdentifier: client?.modelIdentifier ?? surface?.modelIdentifier,
    remoteIp: paired?.remoteIp,
    caps: sortedUnique(live ? declared?.caps : surface?.caps) ?? [],
    commands: sortedUnique(live ? liveCommands : surface?.commands) ?? [],
    pathEnv: live && typeof declared?.pathEnv === "string" ? declared.pathEnv : undefined,
    permissions: (live ? declared?.permissions : undefined) ?? surface?.permissions,
    approvalState: paired ? "approved" : "unapproved",
    connectedAtMs: live?.connectedAtMs,
    lastConnectedAtMs: live?.connectedAtMs,
    lastDisconnectedAtMs: live ? undefined : registry.lastDisconnectedAt(nodeId),
    lastSeenAtMs: paired?.lastSeenAtMs,
    lastSeenReason: paired?.lastSeenReason,
    approvedAtMs: paired?.approvedAtMs,
    paired: Boolean(paired),
    connected: Boolean(live),
  };
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}

/** A pending node request as node.pair.list shows it. */
function pendingNode(p: PendingRequest): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries({ requestId: p.requestId, nodeId: p.deviceId, clientId: p.clientId, clientMode: p.clientMode, displayName: p.displayName, platform: p.platform, deviceFamily: p.deviceFamily, remoteIp: p.remoteIp, silent: p.silent, ts: p.ts }).filter(([, v]) => v !== undefined),
  );
}

function callerNode(caller: CallerInfo): string {
  if (!caller.deviceId) throw new GatewayError("INVALID_REQUEST", "nodeId required");
  return caller.deviceId;
}

/** The node.* RPC family. */
export function nodeMethods(deps: NodeMethodDeps): MethodFamily {
  const { registry, work } = deps;
  const catalog = async (): Promise<Record<string, unknown>[]> => {
    const store = await deps.devices.store();
    const paired = new Map(store.listPaired().filter(isNode).map((d) => [d.deviceId, d]));
    const ids = new Set([...paired.keys(), ...registry.list().map((n) => n.nodeId)]);
    const rows = [...ids].map((nodeId) => nodeRow(nodeId, paired.get(nodeId), registry.get(nodeId), registry));
    return rows.sort((a, b) => Number(b.connected) - Number(a.connected) || String(a.displayName ?? a.nodeId).toLowerCase().localeCompare(String(b.displayName ?? b.nodeId).toLowerCase()));
  };
  const nodePending = async () => (await deps.devices.store()).listPending().filter((p) => p.role === "node" || (p.roles ?? []).includes("node"));
  const asDevice = async (method: string, params: unknown) => {
    const { requestId } = parseParams(method, RequestParams, params);
    const pending = (await nodePending()).find((p) => p.requestId === requestId.trim());
    if (!pending) throw new GatewayError("INVALID_REQUEST", "unknown requestId");
    return pending;
  };

  return {
    "node.list": async (params) => {
      parseParams("node.list", Empty, params);
      return { ts: Date.now(), nodes: await catalog() };
    },
    "node.describe": async (params) => {
      const { nodeId } = parseParams("node.describe", NodeIdParams, params);
      const node = (await catalog()).find((n) => n.nodeId === nodeId.trim());
      if (!node) throw new GatewayError("INVALID_REQUEST", "unknown nodeId");
      return { ts: Date.now(), ...node };
    },
    "node.rename": async (params) => {
      const { nodeId, displayName } = parseParams("node.rename", RenameParams, params);
      const renamed = (await deps.devices.store()).touch(nodeId.trim(), { operatorLabel: displayName.trim() });
      if (!renamed || !isNode(renamed)) throw new GatewayError("INVALID_REQUEST", "unknown nodeId");
      return { nodeId: nodeId.trim(), displayName: displayName.trim() };
    },
    "node.pair.list": async (params) => {
      parseParams("node.pair.list", Empty, params);
      const store = await deps.devices.store();
      const paired = store.listPaired().filter(isNode).map((d) => nodeRow(d.deviceId, d, undefined, registry));
      return { pending: (await nodePending()).map(pendingNode), paired };
    },
    "node.pair.approve": async (params) => {
      const pending = await asDevice("node.pair.approve", params);
      const device = (await deps.devices.store()).approve(pending.requestId, "owner");
      if (!device) throw new GatewayError("INVALID_REQUEST", "unknown requestId");
      deps.log.info(`node pairing approved node=${device.deviceId}`);
      const resolved = { requestId: pending.requestId, decision: "approved", ts: Date.now() };
      deps.devices.emit("device.pair.resolved", { ...resolved, deviceId: device.deviceId });
      deps.devices.emit("node.pair.resolved", { ...resolved, nodeId: device.deviceId });
      return { requestId: pending.requestId, node: nodeRow(device.deviceId, device, registry.get(device.deviceId), registry) };
    },
    "node.pair.reject": async (params) => {
      const pending = await asDevice("node.pair.reject", params);
      const rejected = (await deps.devices.store()).reject(pending.requestId);
      if (!rejected) throw new GatewayError("INVALID_REQUEST", "unknown requestId");
      const resolved = { requestId: rejected.requestId, decision: "rejected", ts: Date.now() };
      deps.devices.emit("device.pair.resolved", { ...resolved, deviceId: rejected.deviceId });
      deps.devices.emit("node.pair.resolved", { ...resolved, nodeId: rejected.deviceId });
      return { requestId: rejected.requestId, nodeId: rejected.deviceId };
    },
    "node.pair.remove": async (params) => {
      const { nodeId } = parseParams("node.pair.remove", NodeIdParams, params);
      const store = await deps.devices.store();
      const device = store.getPaired(nodeId.trim());
      if (!device || !isNode(device)) throw new GatewayError("INVALID_REQUEST", "unknown nodeId");
      store.remove(device.deviceId);
      return { nodeId: device.deviceId };
    },

    "node.invoke": async (params) => {
      const p = parseParams("node.invoke", InvokeParams, params);
      const nodeId = p.nodeId.trim();
      const command = p.command.trim();
      const node = registry.get(nodeId);
      if (!node) {
        throw new GatewayError("UNAVAILABLE", "node not connected", { details: { code: "NOT_CONNECTED", nodeError: { code: "NOT_CONNECTED", message: "node not connected" }, nodeCommandDispatched: false } });
      }
      const declared = Array.isArray(node.client.connect.commands) ? (node.client.connect.commands as unknown[]).filter((c): c is string => typeof c === "string") : [];
      const platform = node.client.connect.client.platform ?? "unknown";
      if (deps.denyCommands().includes(command)) {
        throw new GatewayError("INVALID_REQUEST", `node command not allowed: "${command}" is blocked by gateway.nodes.commands.deny`, { details: { reason: "command not allowlisted", command } });
      }
      if (declared.length === 0) throw new GatewayError("INVALID_REQUEST", "node command not allowed: the node did not declare any supported commands", { details: { reason: "node did not declare commands", command } });
      if (!declared.includes(command)) {
        throw new GatewayError("INVALID_REQUEST", `node command not allowed: the node (platform: ${platform}) does not support "${command}"`, { details: { reason: "command not declared by node", command } });
      }
      const outcome = await registry.invoke(node, { command, params: p.params, timeoutMs: p.timeoutMs, idempotencyKey: p.idempotencyKey, sessionKey: p.sessionKey });
      if (!outcome.ok) {
        const code = outcome.error.code?.trim();
        const message = outcome.error.message?.trim() || "node invoke failed";
        throw new GatewayError("UNAVAILABLE", code ? `${code}: ${message}` : message, { details: { nodeError: outcome.error, nodeCommandDispatched: true } });
      }
      return { ok: true, nodeId, command, payload: outcome.payload, payloadJSON: outcome.payloadJSON };
    },

    "node.invoke.result": async (params, { caller }) => {
      const raw = { ...(params as Record<string, unknown>) };
      if (raw.payloadJSON === null) delete raw.payloadJSON;
      if (raw.error === null) delete raw.error;
      const p = parseParams("node.invoke.result", ResultParams, raw);
      if (caller.deviceId && caller.deviceId !== p.nodeId) throw new GatewayError("INVALID_REQUEST", "nodeId mismatch");
      let payload = p.payload;
      if (payload === undefined && p.payloadJSON !== undefined) {
        try {
          payload = JSON.parse(p.payloadJSON);
        } catch {
          payload = p.payloadJSON;
        }
      }
      const outcome = p.ok ? { ok: true as const, payload, payloadJSON: p.payloadJSON ?? null } : { ok: false as const, error: p.error ?? {} };
      if (!registry.result(p.id, p.nodeId, caller.connId, outcome)) return { ok: true, ignored: true };
      return { ok: true };
    },

    "node.event": async (params, { caller }) => {
      const p = parseParams("node.event", EventParams, params);
      callerNode(caller);
      return { ok: true, event: p.event, handled: false, reason: "unsupported" };
    },

    // The reference node host publishes its runner inventory after connect; this gateway runs no node workers,
    // so the declaration is acknowledged for the node's current connection and not kept.
    "node.runnerInventory.update": async (params, { caller }) => {
      const nodeId = callerNode(caller);
      if (params === null || typeof params !== "object" || Array.isArray(params)) throw new GatewayError("INVALID_REQUEST", "invalid node runner inventory");
      if (registry.get(nodeId)?.connId !== caller.connId) throw new GatewayError("INVALID_REQUEST", "unknown nodeId");
      return { nodeId };
    },

    "node.pending.enqueue": async (params) => {
      const p = parseParams("node.pending.enqueue", EnqueueParams, params);
      const nodeId = p.nodeId.trim();
      const store = await deps.devices.store();
      const device = store.getPaired(nodeId);
      if (!device || !isNode(device)) throw new GatewayError("INVALID_REQUEST", "unknown nodeId");
      const queued = work.enqueue(nodeId, p.type, p.priority ?? "normal", p.expiresInMs);
      return { nodeId, revision: work.revision(nodeId), queued, wakeTriggered: false };
    },
    "node.pending.drain": async (params, { caller }) => {
      const { maxItems } = parseParams("node.pending.drain", DrainParams, params);
      const nodeId = callerNode(caller);
      const { items, hasMore } = work.drain(nodeId, maxItems ?? 1);
      return { nodeId, revision: work.revision(nodeId), items, hasMore };
    },
    "node.pending.pull": async (params, { caller }) => {
      parseParams("node.pending.pull", Empty, params);
      return { nodeId: callerNode(caller), actions: [] };
    },
    "node.pending.ack": async (params, { caller }) => {
      const { ids } = parseParams("node.pending.ack", AckParams, params);
      return { nodeId: callerNode(caller), ackedIds: [...new Set(ids.map((i) => i.trim()))], remainingCount: 0 };
    },
  };
}
