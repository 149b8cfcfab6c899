// The `update.status` RPC: the running gateway's version against the configured release channel, in the
// reference's closed shape (sentinel, updateAvailable or null, effectiveChannel, schedule) so its clients read it.
// The check itself loads only when the method is first called.
import { GatewayError } from "../protocol/errors.ts";
import type { Surface, SurfaceContext } from "../surface/types.ts";

/** Mounted always: it is admin-scoped (method-scopes.json) and costs nothing until called. */
export function updateSurface(ctx: SurfaceContext): Surface {
  return {
    name: "update",
    methods: {
      "update.status": async (params) => {
        if (params !== undefined && params !== null && (typeof params !== "object" || Array.isArray(params))) {
          throw new GatewayError("INVALID_REQUEST", "update.status params must be an object");
        }
        const { checkForUpdate } = await import("./check.ts");
        const { UpdateError } = await import("./release.ts");
        const channel = (params as { channel?: unknown } | undefined)?.channel ?? updateChannel(ctx);
        try {
          const status = await checkForUpdate({ env: ctx.env, channel, channelSource: "channel", currentVersion: ctx.core.version });
          const updateAvailable = status.updateAvailable && status.latestVersion ? { currentVersion: status.currentVersion, latestVersion: status.latestVersion, channel: status.channel } : null;
          // No restart sentinel (the reference's record of an update-triggered restart) and no auto-update schedule.
          return { sentinel: null, updateAvailable, effectiveChannel: status.channel, schedule: { channel: status.channel, autoEnabled: false } };
        } catch (error) {
          if (error instanceof UpdateError) throw new GatewayError("INVALID_REQUEST", error.message);
          throw error;
        }
      },
    },
  };
}

function updateChannel(ctx: SurfaceContext): unknown {
  return (ctx.core.config().config as { update?: { channel?: unknown } }).update?.channel;
}
