import type { ProfilePaths } from "../config/paths.ts";
import type { GatewayOverrides } from "../config/resolve.ts";

/** Everything `openclaw gateway run` resolved from argv; `startGateway` needs nothing else. */
export interface GatewayRunOptions {
  paths: ProfilePaths;
  env: Record<string, string | undefined>;
  overrides: GatewayOverrides;
  allowUnconfigured: boolean;
  force: boolean;
  verbose: boolean;
  wsLog: "auto" | "full" | "compact";
  rawStream: boolean;
  rawStreamPath?: string;
  /** Console shows only subsystems starting with this prefix (`--cli-backend-logs`). */
  consoleSubsystemFilter?: string;
  /** `--tailscale`; falls back to `gateway.tailscale.mode`. */
  tailscale?: "off" | "serve" | "funnel";
  /** `--tailscale-reset-on-exit`; falls back to `gateway.tailscale.resetOnExit`. */
  tailscaleResetOnExit?: boolean;
  dev: boolean;
  color: boolean;
  out(text: string): void;
  err(text: string): void;
}
