import { isLoopbackAddress } from "./bind.ts";
import { handleProbe, notFound, type ProbeState } from "./http-routes.ts";

/** One HTTP surface mounted on the gateway port; returns undefined when the path is not its own. */
export type HttpRoute = (request: Request, url: URL, remoteAddress: string) => Response | Promise<Response> | undefined;

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
