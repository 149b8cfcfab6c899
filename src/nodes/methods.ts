// node.* methods: the catalog (paired node devices + live connections) and node pairing as a view of device
// pairing. node.invoke lives in invoke.ts, the node-role replies (event, pending.*) in pending-methods.ts.
import { z } from "zod";
import { parseParams } from "../methods/_params.ts";
import type { CallerInfo, MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { PairedDevice } from "../devices/store.ts";
import { nodeApprovalScopes, publicNodeRequest } from "../devices/node-surface.ts";
import type { NodesContext } from "./context.ts";
import { invokeMethods, liveCommands } from "./invoke.ts";
import { pendingMethods } from "./pending-methods.ts";
import type { ConnectedNode } from "./registry.ts";

const id = z.string().min(1);
const Empty = z.object({}).strict();
const NodeIdParams = z.object({ nodeId: id }).strict();
const RequestParams = z.object({ requestId: id }).strict();
const RenameParams = z.object({ nodeId: id, displayName: id }).strict();

const isNode = (d: PairedDevice) => (d.roles ?? []).includes("node");
const sortedUnique = (v: readonly string[] | undefined) => (v ? [...new Set(v)].sort() : undefined);


/** One NodeListNode row: a live node shows what it declared within the approved surface; pending surfaces are named. */
function nodeRow(ctx: NodesContext, nodeId: string, paired: PairedDevice | undefined, live: ConnectedNode | undefined, showPending: boolean): Record<string, unknown> {
  const { registry } = ctx;
  const client = live?.client.connect.client;
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
    caps: live ? within(live.caps, surface?.caps) : (sortedUnique(surface?.caps) ?? []),
    commands: live ? (sortedUnique(liveCommands(ctx, live, surface?.commands).effective) ?? []) : (sortedUnique(surface?.commands) ?? []),
    sessionHost: false,
    nodePluginTools: live ? [] : undefined,
    pathEnv: live && typeof live.client.connect.pathEnv === "string" ? live.client.connect.pathEnv : undefined,
    permissions: (live ? live.client.connect.permissions : undefined) ?? surface?.permissions,
    approvalState: pending ? (surface ? "pending-reapproval" : "pending-approval") : surface ? "approved" : "unapproved",
    ...(pending && showPending ? { pendingRequestId: pending.requestId, pendingDeclaredCaps: pending.caps, pendingDeclaredCommands: pending.commands, pendingDeclaredPermissions: pending.permissions } : {}),
    connectedAtMs: live?.connectedAtMs,
    lastConnectedAtMs: live?.connectedAtMs ?? surface?.lastConnectedAtMs,
    lastDisconnectedAtMs: live ? undefined : registry.lastDisconnectedAt(nodeId),
    hostStats: live?.hostStats ?? paired?.lastHostStats,
    lastActiveAtMs: live?.lastActiveAtMs,
    presenceUpdatedAtMs: live?.presenceUpdatedAtMs,
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

/** The reference's active node: latest lastActiveAtMs, ties broken by the fresher report. */
function activeNode(live: ConnectedNode[]): string | undefined {
  let best: ConnectedNode | undefined;
  for (const n of live) {
    if (n.lastActiveAtMs === undefined) continue;
    if (!best || n.lastActiveAtMs > best.lastActiveAtMs! || (n.lastActiveAtMs === best.lastActiveAtMs && (n.presenceUpdatedAtMs ?? 0) > (best.presenceUpdatedAtMs ?? 0))) best = n;
  }
  return best?.nodeId;
}

const canReadPending = (caller: CallerInfo) => caller.scopes.includes("operator.pairing") || caller.scopes.includes("operator.admin");

/** The node.* RPC family. */
export function nodeMethods(deps: NodesContext): MethodFamily {
  const { registry } = deps;
  const catalog = async (caller: CallerInfo): Promise<Record<string, unknown>[]> => {
    const store = await deps.devices.store();
    const paired = new Map(store.listPaired().filter(isNode).map((d) => [d.deviceId, d]));
    const ids = new Set([...paired.keys(), ...registry.list().map((n) => n.nodeId)]);
    const rows = [...ids].map((nodeId) => nodeRow(deps, nodeId, paired.get(nodeId), registry.get(nodeId), canReadPending(caller)));
    return rows.sort((a, b) => Number(b.connected) - Number(a.connected) || String(a.displayName ?? a.nodeId).toLowerCase().localeCompare(String(b.displayName ?? b.nodeId).toLowerCase()));
  };

  return {
    ...invokeMethods(deps),
    ...pendingMethods(deps),
    "node.list": async (params, { caller }) => {
      parseParams("node.list", Empty, params);
      const nodes = await catalog(caller);
      // The connected node with the freshest local input (node.presence.activity) is the active one.
      const activeNodeId = activeNode(registry.list());
      return { ts: Date.now(), ...(activeNodeId ? { activeNodeId } : {}), nodes: activeNodeId ? nodes.map((n) => (n.nodeId === activeNodeId ? { ...n, active: true } : n)) : nodes };
    },
    "node.describe": async (params, { caller }) => {
      const { nodeId } = parseParams("node.describe", NodeIdParams, params);
      const node = (await catalog(caller)).find((n) => n.nodeId === nodeId.trim());
      if (!node) throw new GatewayError("INVALID_REQUEST", "unknown nodeId");
      return { ts: Date.now(), ...node, ...(activeNode(registry.list()) === node.nodeId ? { active: true } : {}) };
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
      deps.work.forget(device.deviceId);
      deps.actions.forget(device.deviceId);
      return { nodeId: device.deviceId };
    },
  };
}
