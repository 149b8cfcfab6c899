// What the canvas host is told by config, read fresh on each use so a hot reload applies. The reference moved
// from `canvasHost.{enabled,root,port,liveReload}` (seed 004 spells it `gateway.canvasHost`) to the single
// switch `plugins.entries.canvas.config.host.enabled`; every spelling is honoured, the newest wins.
import { isAbsolute, join, resolve } from "node:path";
import { homedir } from "node:os";

/** Hosted widget documents (the reference's CANVAS_HOST_PATH). */
export const CANVAS_PATH = "/__openclaw__/canvas";
/** A2UI renderer assets (the reference's A2UI_PATH). */
export const A2UI_PATH = "/__openclaw__/a2ui";
/**
 * The live-reload stream the injected script listens to. The reference used a WebSocket at `/__openclaw__/ws`;
 * every WebSocket upgrade on our port is the gateway protocol, so this is Server-Sent Events on its own path.
 */
export const LIVE_PATH = "/__openclaw__/canvas-live";
/** The reference's path marker of capability-scoped URLs (`/__openclaw__/cap/<token>/…`, canvas/capability.ts). */
export const CAP_PREFIX = "/__openclaw__/cap";
/** The port seed 004 documents for the separate canvas listener: the default gateway port (18789) + 4. */
export const DEFAULT_CANVAS_PORT = 18793;

/** The reference's derived default: the gateway port + 4, or 18793 when that is no port. */
export function defaultCanvasPort(gatewayPort: number | undefined): number {
  const derived = (gatewayPort ?? 0) + 4;
  return gatewayPort !== undefined && gatewayPort > 0 && derived <= 65535 ? derived : DEFAULT_CANVAS_PORT;
}

/** The canvas host as this config asks for it. */
export interface CanvasSettings {
  enabled: boolean;
  /** The folder served under CANVAS_PATH (absolute). */
  root: string;
  /** A2UI renderer bundles (absolute), or undefined: A2UI paths answer 503 like the reference without its bundle. */
  a2uiRoot?: string;
  liveReload: boolean;
  /**
   * The separate listener's port: `port` when set, else the derived default when a canvasHost block says
   * `enabled: true` outright (seed 004's example). Otherwise none, so every gateway does not claim a second port.
   */
  port?: number;
}

type Loose = Record<string, unknown> | undefined;

const record = (value: unknown): Loose => (value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined);

function truthyEnv(value: string | undefined): boolean {
  return value !== undefined && /^(1|true|yes|on)$/i.test(value.trim());
}

function expandHome(path: string): string {
  if (path === "~") return homedir();
  return path.startsWith("~/") ? join(homedir(), path.slice(2)) : path;
}

/** Reads the canvas settings from a config object, the state dir and the environment. */
export function canvasSettings(config: Record<string, unknown>, stateDir: string, env: Record<string, string | undefined>, gatewayPort?: number): CanvasSettings {
  const legacy = { ...record(config.canvasHost), ...record(record(config.gateway)?.canvasHost) };
  const plugin = record(record(record(record(record(config.plugins)?.entries)?.canvas)?.config)?.host) ?? {};
  const merged: Record<string, unknown> = { ...legacy, ...plugin };
  // Default on, as the reference's Canvas plugin (enabledByDefault, host.enabled unless false).
  const enabled = merged.enabled !== false && !truthyEnv(env.OPENCLAW_SKIP_CANVAS_HOST);
  const rawRoot = typeof merged.root === "string" && merged.root.trim() ? merged.root.trim() : undefined;
  // Default inside the default agent's workspace (the reference keeps <state>/canvas): our workspace tools may only
  // write inside the workspace, so this is the root a run's `write` can publish to with no config.
  const workspace = record(record(config.agents)?.defaults)?.workspace;
  const workspaceRoot = typeof workspace === "string" && workspace.trim() ? resolve(expandHome(workspace.trim())) : join(stateDir, "workspace");
  const root = rawRoot ? resolve(expandHome(rawRoot)) : join(workspaceRoot, "canvas");
  const a2ui = env.OPENCLAW_A2UI_ROOT?.trim();
  const explicitPort = typeof merged.port === "number" && Number.isInteger(merged.port) && merged.port > 0 && merged.port < 65536 ? merged.port : undefined;
  const port = explicitPort ?? (legacy.enabled === true ? defaultCanvasPort(gatewayPort) : undefined);
  return {
    enabled,
    root,
    ...(a2ui && isAbsolute(a2ui) ? { a2uiRoot: a2ui } : {}),
    liveReload: merged.liveReload !== false,
    ...(port !== undefined ? { port } : {}),
  };
}

/** True for a path the canvas host owns on the gateway port. */
export function isCanvasPath(pathname: string): boolean {
  return [CANVAS_PATH, A2UI_PATH, LIVE_PATH, CAP_PREFIX].some((base) => pathname === base || pathname.startsWith(`${base}/`));
}
