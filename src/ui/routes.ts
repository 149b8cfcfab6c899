// The Control UI's URL space, shared by the gateway (which paths it serves) and the page (its client routes).
// Kept free of imports so the gateway can match paths without loading the UI itself.

/** Client-side routes; each serves the page shell, and `/sessions/…` may later carry a session key. */
export const UI_ROUTES = ["/", "/automations", "/channels", "/chat", "/clients", "/devices", "/nodes", "/config", "/logs", "/sessions"] as const;
export type UiRoute = (typeof UI_ROUTES)[number];

/** Static assets live under `<prefix><content hash>/<file>`, so a new build never meets a stale cache. */
export const ASSET_PREFIX = "/__openclaw__/control-ui/";

/** The route a path shows, or undefined when the path is not the page's. */
export function uiRouteOf(pathname: string): UiRoute | undefined {
  const path = pathname.length > 1 ? pathname.replace(/\/+$/, "") : pathname;
  if ((UI_ROUTES as readonly string[]).includes(path)) return path as UiRoute;
  if (path.startsWith("/sessions/")) return "/sessions";
  return undefined;
}
