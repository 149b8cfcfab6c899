// The one list of features this build mounts on the gateway, and how they reach each other. `gateway run` hands
// it to `startGateway`; `server/` never imports a feature. A new feature: a folder with a `surface.ts` whose
// factory takes the SurfaceContext (and the services of the features it needs), added to the list below.
import { agentsSurface } from "./agents/surface.ts";
import { devicesSurface } from "./devices/surface.ts";
import { discoverySurface } from "./discovery/surface.ts";
import { hooksSurface } from "./hooks/surface.ts";
import { nodesSurface } from "./nodes/surface.ts";
import type { MountFeatures, Surface } from "./surface/types.ts";
import { controlUiSurface } from "./ui/surface.ts";

/** The features of this build, in HTTP precedence order; each generation of the gateway mounts them afresh. */
export const mountFeatures: MountFeatures = (ctx) => {
  const agents = agentsSurface(ctx);
  const devices = devicesSurface(ctx);
  const surfaces: (Surface | undefined)[] = [
    agents,
    devices,
    nodesSurface(ctx, { devices: devices.service }),
    discoverySurface(ctx),
    hooksSurface(ctx, { agents: agents.service }),
    controlUiSurface(ctx),
  ];
  return surfaces.filter((surface): surface is Surface => surface !== undefined);
};
