// Mounts the canvas host: agent-written widget documents under /__openclaw__/canvas/ (from the canvas root,
// `<workspace>/canvas` of the default agent unless `canvasHost.root` says otherwise), A2UI renderer assets under /__openclaw__/a2ui/,
// and live reload for viewers. Only path matching lives here; the host itself loads on the first canvas
// request (or at start when the separate `canvasHost.port` is configured), so a gateway nobody views pays nothing.
import type { Surface, SurfaceContext } from "../surface/types.ts";
import { textResponse } from "../surface/http.ts";
import { isLoopbackAddress, PROXY_HEADERS } from "../surface/net.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { Capabilities } from "./capability.ts";
import { canvasSettings, isCanvasPath, type CanvasSettings } from "./settings.ts";

type HostModule = typeof import("./host.ts");
type Runtime = { host: HostModule; context: import("./host.ts").HostContext };

/** What other features may ask of the canvas host (the canvas tool builds hosted URLs from it). */
export interface CanvasService {
  settings(): CanvasSettings;
  /** Tells connected viewers to reload now (a document was written by something the watcher cannot see). */
  reload(): void;
}

/**
 * A viewer on this machine talking to a loopback-only gateway with no proxy in between: the one case served
 * without the gateway secret (the reference's `direct_local`). Tailscale Serve/Funnel keep the bind on
 * loopback but bring remote users through a local proxy, so they need the secret too.
 */
function directLocal(ctx: SurfaceContext, request: Request, remoteAddress: string): boolean {
  if (!ctx.bind.loopbackOnly || !isLoopbackAddress(remoteAddress)) return false;
  const tailscale = ctx.core.config().config.gateway?.tailscale?.mode;
  if (tailscale === "serve" || tailscale === "funnel") return false;
  return !PROXY_HEADERS.some((name) => request.headers.has(name));
}

export function canvasSurface(ctx: SurfaceContext): Surface & { service: CanvasService } {
  const log = ctx.logger.child("canvas");
  const settings = () => {
    const snapshot = ctx.core.config();
    return canvasSettings(snapshot.config as Record<string, unknown>, snapshot.paths.stateDir, ctx.env, ctx.port());
  };
  // capability.ts loads with the first canvas-capable node (or canvas request); until then no token exists.
  const capabilityModule = () => require("./capability.ts") as typeof import("./capability.ts");
  let minted: Capabilities | undefined;
  const capabilities = (): Capabilities => (minted ??= new (capabilityModule().Capabilities)());
  let runtime: Promise<Runtime> | undefined;
  let live: import("./live.ts").LiveReload | undefined;
  let listener: import("./listen.ts").CanvasListener | undefined;
  const load = (): Promise<Runtime> => {
    runtime ??= Promise.all([import("./host.ts"), import("./live.ts")]).then(([host, liveModule]) => {
      live = new liveModule.LiveReload({ root: () => settings().root, onError: (message) => log.warn(message) });
      const context = {
        settings,
        auth: ctx.auth,
        authRequired: (request: Request, remoteAddress: string) => !directLocal(ctx, request, remoteAddress),
        throttle: ctx.core.throttle,
        live,
        capabilityValid: (token: string) => minted?.valid(token) === true,
      };
      return { host, context };
    });
    runtime.catch(() => (runtime = undefined));
    return runtime;
  };
  const handle = async (request: Request, url: URL, remoteAddress: string): Promise<Response> => {
    try {
      const { host, context } = await load();
      return await host.serveCanvas(context, request, url, remoteAddress);
    } catch (error) {
      log.error(`canvas request failed: ${(error as Error)?.message ?? String(error)}`);
      return textResponse("canvas host error", 500, { "Cache-Control": "no-store" });
    }
  };
  return {
    name: "canvas",
    service: { settings, reload: () => live?.reload() },
    methods: {
      // A node's fresh capability URL (the one from hello-ok expires after 10 minutes).
      "node.pluginSurface.refresh": (params, { caller }) => {
        const surface = typeof (params as { surface?: unknown } | undefined)?.surface === "string" ? (params as { surface: string }).surface.trim() : "";
        if (!surface) throw new GatewayError("INVALID_REQUEST", "surface required");
        const minted = surface === "canvas" && settings().enabled ? capabilities().refresh(caller.connId) : undefined;
        if (!minted) throw new GatewayError("UNAVAILABLE", `${surface} plugin surface unavailable`);
        return { surface, pluginSurfaceUrls: { canvas: minted.url }, expiresAtMs: minted.expiresAtMs };
      },
    },
    helloExtras(view) {
      // A node that declares the canvas cap gets its capability URL on the address it dialed (reference).
      const caps = Array.isArray(view.connect.caps) ? view.connect.caps : [];
      if (view.role !== "node" || !caps.includes("canvas") || !settings().enabled) return undefined;
      const base = capabilityModule().baseUrlOf(view.host, ctx.tls() !== undefined);
      return base ? { pluginSurfaceUrls: { canvas: capabilities().mint(view.connId, base).url } } : undefined;
    },
    clientDisconnected(client) {
      minted?.revoke(client.connId);
    },
    http(request, url, remoteAddress) {
      if (!isCanvasPath(url.pathname)) return undefined;
      // Disabled (hot: `plugins.entries.canvas.config.host.enabled: false`): the paths are nobody's, plain 404.
      if (!settings().enabled) return undefined;
      return handle(request, url, remoteAddress);
    },
    async start() {
      const current = settings();
      if (!current.enabled || current.port === undefined) return;
      const { openCanvasListener } = await import("./listen.ts");
      try {
        listener = openCanvasListener(ctx.bind.hosts, current.port, handle);
        for (const skipped of listener.skipped) log.warn(`canvas host skipped ${skipped}`);
        log.info(`canvas host listening on port ${listener.port} (${listener.hosts.join(", ")})`);
      } catch (error) {
        log.error(`canvas host cannot listen on port ${current.port}: ${(error as Error)?.message ?? String(error)}`);
      }
    },
    configChanged() {
      // Switched off: open viewers are let go too (their EventSource then meets a plain 404).
      if (!settings().enabled) live?.close();
      else live?.rootChanged();
    },
    stop() {
      listener?.stop();
      listener = undefined;
      live?.close();
    },
  };
}
