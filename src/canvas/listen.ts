// The separate canvas port (`canvasHost.port`, seed 004's 18793): the same canvas answers as on the gateway
// port, on their own listener per bind host. It speaks no gateway protocol: a WebSocket upgrade is refused.
import type { Server } from "bun";
import { canvasText } from "./headers.ts";
import { CANVAS_PATH, isCanvasPath } from "./settings.ts";

/** A canvas answer for a request that reached the separate port. */
export type CanvasHandler = (request: Request, url: URL, remoteAddress: string) => Promise<Response>;

export interface CanvasListener {
  port: number;
  hosts: string[];
  /** Secondary hosts that could not be bound (`::1` on a host without IPv6), with why. */
  skipped: string[];
  stop(): void;
}

/**
 * Opens the separate canvas port on every host of the gateway's bind plan. The first (primary) host must bind
 * or this throws; a later one that fails is skipped and reported, as the gateway does for `::1`.
 */
export function openCanvasListener(hosts: readonly string[], port: number, handle: CanvasHandler): CanvasListener {
  const servers: Server<undefined>[] = [];
  const bound: string[] = [];
  const skipped: string[] = [];
  for (const [index, hostname] of hosts.entries()) {
    try {
      servers.push(
        Bun.serve({
          hostname,
          port,
          development: false,
          reusePort: false,
          fetch(request, server) {
            if (request.headers.get("upgrade")?.toLowerCase() === "websocket") return canvasText("Upgrade Required", 426);
            const url = new URL(request.url);
            if (url.pathname === "/") return new Response(null, { status: 302, headers: { Location: `${CANVAS_PATH}/` } });
            if (!isCanvasPath(url.pathname)) return canvasText("Not Found", 404);
            return handle(request, url, server.requestIP(request)?.address ?? "unknown");
          },
        }),
      );
      bound.push(hostname);
    } catch (error) {
      if (index > 0) {
        skipped.push(`${hostname}: ${(error as Error).message}`);
        continue;
      }
      for (const server of servers) server.stop(true);
      throw error;
    }
  }
  return {
    port,
    hosts: bound,
    skipped,
    stop() {
      for (const server of servers) server.stop(true);
    },
  };
}
