import { textResponse } from "../surface/http.ts";
import type { Surface, SurfaceContext } from "../surface/types.ts";
import { ASSET_PREFIX, uiRouteOf } from "./routes.ts";

type AssetsModule = typeof import("./assets.ts");

/**
 * The Control UI on the gateway port: the page shell at `/` and its client routes, assets under a
 * content-hashed path. Only path matching lives here; the page itself (assets.ts, with the bundled client
 * inlined at build time) is imported on the first UI request, so a gateway nobody browses never loads it.
 * `gateway.controlUi.enabled: false` is read per request (hot) and makes every UI path a plain 404.
 */
export function controlUiSurface(ctx: SurfaceContext): Surface {
  let assets: Promise<AssetsModule> | undefined;
  const load = (): Promise<AssetsModule> => {
    assets ??= import("./assets.ts").catch((error: unknown) => {
      assets = undefined;
      throw error;
    });
    return assets;
  };
  return {
    name: "control-ui",
    http(request, url) {
      if (request.method !== "GET" && request.method !== "HEAD") return undefined;
      const route = uiRouteOf(url.pathname);
      const asset = route === undefined && url.pathname.startsWith(ASSET_PREFIX);
      if (route === undefined && !asset) return undefined;
      if (ctx.core.config().config.gateway?.controlUi?.enabled === false) return undefined;
      return load().then(
        (m) => m.serveControlUi(request, url, { version: ctx.core.version }),
        (error: unknown) => {
          ctx.logger.error(`control UI failed to load: ${(error as Error)?.message ?? String(error)}`);
          return textResponse("Control UI unavailable", 500, { "Cache-Control": "no-store" });
        },
      );
    },
  };
}
