// Mounts nodes on the gateway: the registry of connected node devices (told by the server on connect and
// disconnect), node.* methods loaded on first use, and the node events.
import type { DevicesService } from "../devices/surface.ts";
import { lazyMethods } from "../surface/lazy-methods.ts";
import type { Surface, SurfaceContext } from "../surface/types.ts";
import { NodeRegistry } from "./registry.ts";
import { WorkQueue } from "./work.ts";

const NODE_METHODS = [
  "node.list", "node.describe", "node.rename", "node.pair.list", "node.pair.approve", "node.pair.reject", "node.pair.remove",
  "node.invoke", "node.invoke.result", "node.event", "node.runnerInventory.update", "node.pending.enqueue", "node.pending.drain", "node.pending.pull", "node.pending.ack",
];
const NODE_EVENTS = ["node.pair.requested", "node.pair.resolved", "node.invoke.request"];

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
}

export function nodesSurface(ctx: SurfaceContext, deps: NodesDeps): Surface & { service: NodesService } {
  const log = ctx.logger.child("nodes");
  const registry = new NodeRegistry(ctx.core);
  const work = new WorkQueue();
  const denyCommands = () => {
    const nodes = (ctx.core.config().config.gateway as { nodes?: { commands?: { deny?: unknown } } } | undefined)?.nodes;
    const deny = nodes?.commands?.deny;
    return Array.isArray(deny) ? deny.filter((c): c is string => typeof c === "string") : [];
  };
  const service: NodesService = {
    connected: () =>
      registry.list().map((node) => {
        const client = node.client.connect.client;
        const commands = node.client.connect.commands;
        return {
          nodeId: node.nodeId,
          ...(client.displayName ? { displayName: client.displayName } : {}),
          platform: client.platform ?? "unknown",
          commands: Array.isArray(commands) ? commands.filter((c): c is string => typeof c === "string") : [],
        };
      }),
    invoke: async (request) => (await import("./invoke.ts")).invokeNode({ devices: deps.devices, registry, denyCommands }, request),
  };
  return {
    name: "nodes",
    service,
    methods: lazyMethods(NODE_METHODS, async () => (await import("./methods.ts")).nodeMethods({ devices: deps.devices, registry, work, denyCommands, log })),
    events: NODE_EVENTS,
    clientConnected(client) {
      if (client.role !== "node") return;
      registry.connected(client, Date.now());
      log.info(`node connected node=${client.deviceId} conn=${client.connId}`);
    },
    clientDisconnected(client) {
      if (client.role !== "node") return;
      registry.disconnected(client, Date.now());
      log.info(`node disconnected node=${client.deviceId} conn=${client.connId}`);
    },
    stop() {
      registry.close();
    },
  };
}
