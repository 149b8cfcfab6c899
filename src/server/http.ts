import { notFound, type HttpRoute } from "../surface/http.ts";
import { isLoopbackAddress } from "../surface/net.ts";
import { handleProbe, type ProbeState } from "./http-routes.ts";

/**
 * The HTTP side of the one port: probes first (always on, no auth), then the mounted surfaces in order
 * (OpenAI-compatible API, hooks, Control UI arrive with their features), else 404 `Not Found`.
 */
export function createHttpHandler(probes: ProbeState, routes: readonly HttpRoute[] = []) {
  return async (request: Request, remoteAddress: string): Promise<Response> => {
    const url = new URL(request.url);
    const probe = handleProbe(request, url.pathname, probes, isLoopbackAddress(remoteAddress));
    if (probe) return probe;
    for (const route of routes) {
      const response = await route(request, url, remoteAddress);
      if (response) return response;
    }
    return notFound();
  };
}
