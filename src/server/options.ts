import type { GatewayOverrides } from "../config/resolve.ts";
import type { ProfilePaths } from "../config/paths.ts";
import type { GatewayLogger, GatewayLoggerOptions } from "../logging/index.ts";
import type { MountFeatures } from "../surface/types.ts";

/** What a gateway start needs: `openclaw gateway run` converts flags into this (style habit 4), tests build it. */
export interface GatewayOptions {
  paths: ProfilePaths;
  env: Record<string, string | undefined>;
  overrides?: GatewayOverrides;
  allowUnconfigured?: boolean;
  /** Stop whatever listens on the port first (TERM, then KILL after a grace). */
  force?: boolean;
  verbose?: boolean;
  wsLog?: "auto" | "full" | "compact";
  color?: boolean;
  /** Console shows only subsystems starting with this prefix (`--cli-backend-logs`). */
  consoleSubsystemFilter?: string;
  /** Where raw model stream events go (JSONL), when `--raw-stream` is on. */
  rawStreamPath?: string;
  version: string;
  buildId?: string;
  /** The features to mount (`src/features.ts` for the binary); none gives the bare protocol core. */
  features?: MountFeatures;
  /** Injected logger (tests); by default one is built from `logging.*`. */
  logger?: GatewayLogger;
  /** Console sink for the default logger. */
  console?: GatewayLoggerOptions["console"];
}

/** A foreground run (`openclaw gateway run`): a start plus what only the process around it does. */
export interface GatewayRunOptions extends GatewayOptions {
  /** `--tailscale`; falls back to `gateway.tailscale.mode`. */
  tailscale?: "off" | "serve" | "funnel";
  /** `--tailscale-reset-on-exit`; falls back to `gateway.tailscale.resetOnExit`. */
  tailscaleResetOnExit?: boolean;
  dev: boolean;
  out(text: string): void;
  err(text: string): void;
}
