// Mounts nodes on the gateway: the registry of connected node devices (told by the server on connect and
// disconnect), node.* methods loaded on first use, and the node events. Agents and automations are handed in by
// the composition: node events start agent turns and queue system events through them.
import type { AgentsService } from "../agents/methods-shared.ts";
import type { AutomationsService } from "../automations/surface.ts";
import type { DevicesService } from "../devices/surface.ts";
import { lazyMethods } from "../surface/lazy-methods.ts";
import type { ClientView, Surface, SurfaceContext } from "../surface/types.ts";
import type { PendingActions } from "./actions.ts";
import type { NodesContext } from "./context.ts";
import type { NodeEventResult } from "./events.ts";
import { commandsConfig } from "./policy.ts";
import { NodeRegistry } from "./registry.ts";
import type { ChatFollowers, ExecAuthorizations } from "./session-links.ts";
import type { WorkQueue } from "./work.ts";

const NODE_METHODS = [
  "node.list", "node.describe", "node.rename", "node.pair.list", "node.pair.approve", "node.pair.reject", "node.pair.remove",
  "node.invoke", "node.invoke.progress", "node.invoke.result", "node.event", "node.runnerInventory.update", "node.pending.enqueue", "node.pending.drain", "node.pending.pull", "node.pending.ack",
];
const NODE_EVENTS = ["node.pair.requested", "node.pair.resolved", "node.invoke.request", "node.hostStats", "node.presence"];

/** A connected node as other features see it (to pick one for a command). */
export interface NodeSummary {
  nodeId: string;
  displayName?: string;
  platform: string;
  /** What the node declared in connect; approval is checked again on invoke. */
  commands: string[];
}

/** What other features may do with nodes (the agent's canvas tool): list the connected ones, invoke checked. */
export interface NodesService {
  connected(): NodeSummary[];
  invoke(request: import("./invoke.ts").NodeInvokeRequest): Promise<import("./invoke.ts").NodeInvokeAnswer>;
}

/** The features nodes act through, handed over by the composition (src/features.ts). */
export interface NodesDeps {
  devices: DevicesService;
  agents?: AgentsService;
  automations?: AutomationsService;
}

/** What agents ask of nodes: whether a node connection follows a session's chat (`chat.subscribe`). */
export interface NodeChatFollowers {
  follows(connId: string, sessionKey: string): boolean;
  any(): boolean;
}

const canRead = (c: ClientView) => c.scopes.includes("operator.read") || c.scopes.includes("operator.write") || c.scopes.includes("operator.admin");

export function nodesSurface(ctx: SurfaceContext, deps: NodesDeps): Surface & { service: NodesService; chatFollowers: NodeChatFollowers } {
  const log = ctx.logger.child("nodes");
  const registry = new NodeRegistry(ctx.core);
  // Queues and session links are built on first node use (`require`: their modules stay out of the start).
  const links = () => require("./session-links.ts") as typeof import("./session-links.ts");
  let chatLinks: ChatFollowers | undefined;
  let execLinks: ExecAuthorizations | undefined;
  let work: WorkQueue | undefined;
  let actions: PendingActions | undefined;
  const chat = (): ChatFollowers => (chatLinks ??= new (links().ChatFollowers)());
  const exec = (): ExecAuthorizations => (execLinks ??= new (links().ExecAuthorizations)());
  const chatFollowers: NodeChatFollowers = {
    follows: (connId, sessionKey) => chatLinks?.follows(connId, sessionKey) === true,
    any: () => chatLinks?.any() === true,
  };
  let onEvent: Promise<NodesContext["onEvent"]> | undefined;
  const context: NodesContext = {
    devices: deps.devices,
    registry,
    get work() {
      return (work ??= new (require("./work.ts") as typeof import("./work.ts")).WorkQueue());
    },
    get actions() {
      return (actions ??= new (require("./actions.ts") as typeof import("./actions.ts")).PendingActions());
    },
    get chat() {
      return chat();
    },
    get exec() {
      return exec();
    },
    commands: () => commandsConfig(ctx.core.config().config as Record<string, unknown>),
    log,
    onEvent: async (source, event, payload, payloadJSON): Promise<NodeEventResult> => {
      onEvent ??= import("./events.ts").then((m) =>
        m.nodeEventHandler({
          registry, devices: deps.devices, agents: deps.agents, automations: deps.automations, chat: chat(), exec: exec(), log, now: Date.now,
          config: () => ctx.core.config().config as Record<string, unknown>,
          broadcast: (name, payload) => ctx.core.broadcast(name, payload, { filter: canRead }),
        }),
      );
      return (await onEvent)(source, event, payload, payloadJSON);
    },
  };
  const service: NodesService = {
    connected: () =>
      registry.list().map((node) => {
        const client = node.client.connect.client;
        return {
          nodeId: node.nodeId,
          ...(client.displayName ? { displayName: client.displayName } : {}),
          platform: client.platform ?? "unknown",
          commands: node.commands,
        };
      }),
    // Features act with write authority, never admin: admin-only host commands stay out of their reach.
    invoke: async (request) => (await import("./invoke.ts")).invokeNode(context, request, ["operator.write"]),
  };
  return {
    name: "nodes",
    service,
    chatFollowers,
    methods: lazyMethods(NODE_METHODS, async () => (await import("./methods.ts")).nodeMethods(context)),
    events: NODE_EVENTS,
    clientConnected(client) {
      if (client.role !== "node") return;
      registry.connected(client, Date.now());
      log.info(`node connected node=${client.deviceId} conn=${client.connId}`);
    },
    clientDisconnected(client) {
      if (client.role !== "node") return;
      registry.disconnected(client, Date.now());
      chatLinks?.drop(client.connId);
      execLinks?.drop(client.connId);
      log.info(`node disconnected node=${client.deviceId} conn=${client.connId}`);
    },
    stop() {
      registry.close();
    },
  };
}
