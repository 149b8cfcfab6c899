// The `update.status` RPC: the running gateway's version against the configured release channel. The check
// itself loads only when the method is first called.
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
          const { manifest: _manifest, ...status } = await checkForUpdate({ env: ctx.env, channel, channelSource: "channel", currentVersion: ctx.core.version });
          return status;
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
