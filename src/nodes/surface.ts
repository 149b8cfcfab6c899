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

/** The features nodes act through, handed over by the composition (src/features.ts). */
export interface NodesDeps {
  devices: DevicesService;
}

export function nodesSurface(ctx: SurfaceContext, deps: NodesDeps): Surface {
  const log = ctx.logger.child("nodes");
  const registry = new NodeRegistry(ctx.core);
  const work = new WorkQueue();
  const denyCommands = () => {
    const nodes = (ctx.core.config().config.gateway as { nodes?: { commands?: { deny?: unknown } } } | undefined)?.nodes;
    const deny = nodes?.commands?.deny;
    return Array.isArray(deny) ? deny.filter((c): c is string => typeof c === "string") : [];
  };
  return {
    name: "nodes",
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
