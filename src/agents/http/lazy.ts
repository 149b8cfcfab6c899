// Which requests the agents feature's HTTP routes answer, decided without loading them: the handlers (and the
// providers they reach) load on the first such request, so a gateway that serves none never initialises them.
import { endpointEnabled } from "../config.ts";
import type { AgentsService } from "../methods.ts";
import { notFound, type HttpRoute } from "../../surface/http.ts";
import type { SurfaceContext } from "../../surface/types.ts";

/** The same answer as routes.ts gives: /tools/invoke always, each /v1/ path only while its endpoint is on. */
function answers(ctx: SurfaceContext, path: string): boolean {
  if (path === "/tools/invoke") return true;
  if (!path.startsWith("/v1/")) return false;
  const snapshot = ctx.core.config();
  const chat = endpointEnabled(snapshot, "chatCompletions");
  const responses = endpointEnabled(snapshot, "responses");
  if (path === "/v1/chat/completions") return chat;
  if (path === "/v1/responses") return responses;
  return (path === "/v1/models" || path.startsWith("/v1/models/") || path === "/v1/embeddings") && (chat || responses);
}

/** The agents routes, loaded on the first request they answer; any other request passes on at once. */
export function lazyAgentsHttp(ctx: SurfaceContext, service: AgentsService): HttpRoute {
  let route: Promise<HttpRoute> | undefined;
  return (request, url, remoteAddress) => {
    if (!answers(ctx, url.pathname)) return undefined;
    // A failed load is forgotten once, where it fails, so the next request tries again.
    route ??= import("./routes.ts").then(
      (m) => m.agentsHttp(ctx, service),
      (error) => {
        route = undefined;
        throw error;
      },
    );
    return route.then((handle) => handle(request, url, remoteAddress) ?? notFound());
  };
}
