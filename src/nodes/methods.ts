// node.* methods: the catalog (paired node devices + live connections), node pairing as a view of device
// pairing, node.invoke through the registry, the node-role replies (invoke.result, event, pending.*).
import { z } from "zod";
import { parseParams } from "../methods/_params.ts";
import type { CallerInfo, MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { DevicesService } from "../devices/surface.ts";
import type { PairedDevice } from "../devices/store.ts";
import { nodeApprovalScopes, publicNodeRequest } from "../devices/node-surface.ts";
import { WorkQueue, WORK_TYPES } from "./work.ts";
import type { ConnectedNode, NodeRegistry } from "./registry.ts";
import { invokeNode } from "./invoke.ts";

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

const strings = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : []);

/** What a live node declared in connect. */
function declaredOf(live: ConnectedNode): { caps: string[]; commands: string[] } {
  return { caps: strings(live.client.connect.caps), commands: strings(live.client.connect.commands) };
}

/** One NodeListNode row: a live node shows what it declared within the approved surface; pending surfaces are named. */
function nodeRow(nodeId: string, paired: PairedDevice | undefined, live: ConnectedNode | undefined, registry: NodeRegistry, showPending: boolean): Record<string, unknown> {
  const client = live?.client.connect.client;
  const declared = live ? declaredOf(live) : undefined;
  const surface = paired?.nodeSurface;
  const pending = paired?.pendingNodeSurface;
  const within = (mine: string[] | undefined, approved: string[] | undefined) => sortedUnique((mine ?? []).filter((c) => (approved ?? []).includes(c))) ?? [];
  const row: Record<string, unknown> = {
    nodeId,
    displayName: paired?.operatorLabel ?? surface?.displayName ?? client?.displayName ?? paired?.displayName,
    platform: client?.platform ?? paired?.platform,
    version: client?.version ?? surface?.version,
    clientId: client?.id ?? paired?.clientId,
    clientMode: client?.mode ?? paired?.clientMode,
    deviceFamily: client?.deviceFamily ?? paired?.deviceFamily,
    modelIdentifier: client?.modelIdentifier ?? surface?.modelIdentifier,
    remoteIp: paired?.remoteIp,
    caps: declared ? within(declared.caps, surface?.caps) : (sortedUnique(surface?.caps) ?? []),
    commands: declared ? within(declared.commands, surface?.commands) : (sortedUnique(surface?.commands) ?? []),
    sessionHost: false,
    nodePluginTools: live ? [] : undefined,
    pathEnv: live && typeof live.client.connect.pathEnv === "string" ? live.client.connect.pathEnv : undefined,
    permissions: (live ? live.client.connect.permissions : undefined) ?? surface?.permissions,
    approvalState: pending ? (surface ? "pending-reapproval" : "pending-approval") : surface ? "approved" : "unapproved",
    ...(pending && showPending ? { pendingRequestId: pending.requestId, pendingDeclaredCaps: pending.caps, pendingDeclaredCommands: pending.commands, pendingDeclaredPermissions: pending.permissions } : {}),
    connectedAtMs: live?.connectedAtMs,
    lastConnectedAtMs: live?.connectedAtMs ?? surface?.lastConnectedAtMs,
    lastDisconnectedAtMs: live ? undefined : registry.lastDisconnectedAt(nodeId),
    lastSeenAtMs: paired?.lastSeenAtMs,
    lastSeenReason: paired?.lastSeenReason,
    approvedAtMs: paired?.approvedAtMs,
    paired: Boolean(paired),
    connected: Boolean(live),
  };
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}

/** An approved node as node.pair.list shows it (the reference's paired-node record). */
function pairedNode(d: PairedDevice): Record<string, unknown> {
  const s = d.nodeSurface!;
  const row = {
    nodeId: d.deviceId, clientId: d.clientId, clientMode: d.clientMode, displayName: d.operatorLabel ?? s.displayName ?? d.displayName, platform: d.platform, version: s.version,
    deviceFamily: d.deviceFamily, modelIdentifier: s.modelIdentifier, caps: s.caps, commands: s.commands, permissions: s.permissions, remoteIp: d.remoteIp,
    createdAtMs: s.createdAtMs, approvedAtMs: s.approvedAtMs, lastConnectedAtMs: s.lastConnectedAtMs, lastSeenAtMs: d.lastSeenAtMs, lastSeenReason: d.lastSeenReason,
  };
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined));
}

const canReadPending = (caller: CallerInfo) => caller.scopes.includes("operator.pairing") || caller.scopes.includes("operator.admin");

function callerNode(caller: CallerInfo): string {
  if (!caller.deviceId) throw new GatewayError("INVALID_REQUEST", "nodeId required");
  return caller.deviceId;
}

/** The node.* RPC family. */
export function nodeMethods(deps: NodeMethodDeps): MethodFamily {
  const { registry, work } = deps;
  const catalog = async (caller: CallerInfo): Promise<Record<string, unknown>[]> => {
    const store = await deps.devices.store();
    const paired = new Map(store.listPaired().filter(isNode).map((d) => [d.deviceId, d]));
    const ids = new Set([...paired.keys(), ...registry.list().map((n) => n.nodeId)]);
    const rows = [...ids].map((nodeId) => nodeRow(nodeId, paired.get(nodeId), registry.get(nodeId), registry, canReadPending(caller)));
    return rows.sort((a, b) => Number(b.connected) - Number(a.connected) || String(a.displayName ?? a.nodeId).toLowerCase().localeCompare(String(b.displayName ?? b.nodeId).toLowerCase()));
  };

  return {
    "node.list": async (params, { caller }) => {
      parseParams("node.list", Empty, params);
      return { ts: Date.now(), nodes: await catalog(caller) };
    },
    "node.describe": async (params, { caller }) => {
      const { nodeId } = parseParams("node.describe", NodeIdParams, params);
      const node = (await catalog(caller)).find((n) => n.nodeId === nodeId.trim());
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
      const devices = (await deps.devices.store()).listPaired().filter(isNode);
      const pending = devices.filter((d) => d.pendingNodeSurface).map((d) => publicNodeRequest(d.deviceId, d.pendingNodeSurface!)).sort((a, b) => Number(b.ts) - Number(a.ts));
      const paired = devices.filter((d) => d.nodeSurface).map(pairedNode).sort((a, b) => Number(b.approvedAtMs) - Number(a.approvedAtMs));
      return { pending, paired };
    },
    "node.pair.approve": async (params, { caller }) => {
      const { requestId } = parseParams("node.pair.approve", RequestParams, params);
      const store = await deps.devices.store();
      const device = store.findNodeSurfaceRequest(requestId.trim());
      if (!device) throw new GatewayError("INVALID_REQUEST", "unknown requestId");
      const pending = device.pendingNodeSurface!;
      const missing = nodeApprovalScopes(pending.commands).find((scope) => !caller.scopes.includes(scope) && !caller.scopes.includes("operator.admin"));
      if (missing) throw new GatewayError("INVALID_REQUEST", `missing scope: ${missing}`);
      const { caps, commands, permissions, version, displayName, modelIdentifier } = pending;
      const approved = store.approveNodeSurface(device.deviceId, { caps, commands, permissions, version, displayName, modelIdentifier })!;
      deps.log.info(`node pairing approved node=${device.deviceId}`);
      deps.devices.emit("node.pair.resolved", { requestId: pending.requestId, nodeId: device.deviceId, decision: "approved", ts: Date.now() });
      return { requestId: pending.requestId, node: pairedNode(approved) };
    },
    "node.pair.reject": async (params) => {
      const { requestId } = parseParams("node.pair.reject", RequestParams, params);
      const rejected = (await deps.devices.store()).rejectNodeSurface(requestId.trim());
      if (!rejected) throw new GatewayError("INVALID_REQUEST", "unknown requestId");
      deps.devices.emit("node.pair.resolved", { ...rejected, decision: "rejected", ts: Date.now() });
      return rejected;
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
      return invokeNode(deps, p);
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
