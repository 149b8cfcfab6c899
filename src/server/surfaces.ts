import { agentsSurface } from "../agents/surface.ts";
import { discoverySurface } from "../discovery/surface.ts";
import { hooksSurface } from "../hooks/surface.ts";
import type { GatewayLogger } from "../logging/index.ts";
import type { MethodFamily } from "../methods/types.ts";
import type { AuthSettings } from "./auth.ts";
import type { BindPlan } from "./bind.ts";
import type { HttpRoute } from "./http.ts";
import { controlUiSurface } from "../ui/surface.ts";
import type { GatewayCore } from "./runtime.ts";

/**
 * A feature mounted on the gateway beside the core protocol: agents and the OpenAI-compatible API, hooks,
 * the Control UI, the discovery beacon, Tailscale exposure. Each brings what it adds; the server owns when.
 */
export interface Surface {
  readonly name: string;
  /** RPC methods this feature adds (merged into `hello-ok.features.methods`). */
  methods?: MethodFamily;
  /** Events this feature emits (merged into `hello-ok.features.events`). */
  events?: readonly string[];
  /** Counts for `health`/`status` when this feature owns sessions. */
  sessions?(): { path: string; count: number };
  /** HTTP handler on the gateway port; returns undefined for paths it does not own. */
  http?: HttpRoute;
  /** Runs once the port is open (it never delays listening). Errors are logged, never fatal. */
  start?(): void | Promise<void>;
  /** Runs on stop and before an in-process restart. */
  stop?(): void | Promise<void>;
}

/** What a surface may know about the generation it is mounted on. */
export interface SurfaceContext {
  core: GatewayCore;
  logger: GatewayLogger;
  bind: BindPlan;
  auth: () => AuthSettings;
  /** The port actually listened on (known once start() runs). */
  port: () => number;
  env: Record<string, string | undefined>;
  /** `--raw-stream` / `--raw-stream-path`: append raw model stream events to this JSONL file. */
  rawStreamPath?: string;
}

/** The features of this build, in HTTP precedence order. Each feature adds its factory here. */
export function createSurfaces(ctx: SurfaceContext): Surface[] {
  return [agentsSurface(ctx), discoverySurface(ctx), hooksSurface(ctx), controlUiSurface(ctx)].filter((surface): surface is Surface => surface !== undefined);
}
