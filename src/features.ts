// The one list of features this build mounts on the gateway, and how they reach each other. `gateway run` hands
// it to `startGateway`; `server/` never imports a feature. A new feature: a folder with a `surface.ts` whose
// factory takes the SurfaceContext (and the services of the features it needs), added to the list below.
import { agentsSurface } from "./agents/surface.ts";
import type { Clock } from "./automations/clock.ts";
import { automationsSurface } from "./automations/surface.ts";
import { canvasSurface } from "./canvas/surface.ts";
import { channelsSurface } from "./channels/surface.ts";
import { devicesSurface } from "./devices/surface.ts";
import { discoverySurface } from "./discovery/surface.ts";
import { hooksSurface } from "./hooks/surface.ts";
import { pairableCommands } from "./nodes/policy.ts";
import { nodesSurface } from "./nodes/surface.ts";
import type { MountFeatures, Surface } from "./surface/types.ts";
import { controlUiSurface } from "./ui/surface.ts";
import { updateSurface } from "./update/surface.ts";

/** What a caller may choose about the composition: tests drive the scheduler with a fake clock. */
export interface FeatureOptions {
  clock?: Clock;
}

/** The features of this build, in HTTP precedence order; each generation of the gateway mounts them afresh. */
export const composeFeatures = (options: FeatureOptions = {}): MountFeatures => (ctx) => {
  const agents = agentsSurface(ctx);
  // Heartbeat alerts and cron announcements reach chats through channels (read when a run delivers).
  const automations = automationsSurface(ctx, { agents: agents.service, clock: options.clock, delivery: () => channels.delivery });
  const channels = channelsSurface(ctx, { agents: agents.service });
  // Agent turns reach chats (`agent --to --deliver`) through channels, handed over here, never imported.
  agents.service.delivery = channels.delivery;
  // A node's declaration is filed for approval within the gateway's node command policy.
  const devices = devicesSurface(ctx, { nodeCommands: pairableCommands });
  // Node events start agent turns and queue system events; agents send subscribed nodes their sessions' chat.
  const nodes = nodesSurface(ctx, { devices: devices.service, agents: agents.service, automations: automations.service });
  agents.service.nodeChat = nodes.chatFollowers;
  const canvas = canvasSurface(ctx);
  // The agent's canvas tool drives paired nodes' widget panels: nodes and the canvas switch handed over here.
  // Built with the toolbox, on the first run (`require` keeps the tool's module out of the start).
  agents.service.addTool(() => (require("./canvas/tool.ts") as typeof import("./canvas/tool.ts")).canvasTool({ nodes: nodes.service, enabled: () => canvas.service.settings().enabled }));
  const surfaces: (Surface | undefined)[] = [
    agents,
    devices,
    nodes,
    automations,
    discoverySurface(ctx),
    hooksSurface(ctx, { agents: agents.service, automations: automations.service }),
    channels,
    controlUiSurface(ctx),
    canvas,
    updateSurface(ctx),
  ];
  return surfaces.filter((surface): surface is Surface => surface !== undefined);
};

export const mountFeatures: MountFeatures = composeFeatures();
