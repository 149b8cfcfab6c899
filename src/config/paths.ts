import { join } from "node:path";
import { homedir } from "node:os";
import { ConfigError } from "./errors.ts";

/** Ports the gateway listens on when nothing else says otherwise (reference defaults). */
export const DEFAULT_PORT = 18789;
export const DEV_PORT = 19001;
export const CONFIG_FILE_NAME = "openclaw.json";

/** The process environment as the config layer sees it; injected so tests never touch the real HOME. */
export interface ConfigEnv {
  env: Record<string, string | undefined>;
  homeDir?: string;
}

/** Where one profile keeps its state and config. */
export interface ProfilePaths {
  /** `undefined` for the default profile, `"dev"` under `--dev`. */
  profile: string | undefined;
  stateDir: string;
  configPath: string;
  /** Base port of the profile: 19001 for dev, else 18789. */
  basePort: number;
}

const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/i;

/** Resolves state dir and config path: env overrides win, then `~/.openclaw[-<profile>]`. */
export function resolveProfilePaths(profile: string | undefined, ctx: ConfigEnv): ProfilePaths {
  if (profile !== undefined && !PROFILE_NAME.test(profile)) {
    // The name becomes part of a directory, so anything path-like is refused outright.
    throw new ConfigError(
      "EPROFILE",
      `Expected --profile to be letters, digits, '-' or '_' (at most 64), got ${JSON.stringify(profile)}`,
    );
  }
  const home = ctx.homeDir ?? ctx.env.HOME ?? ctx.env.USERPROFILE ?? homedir();
  const stateDir =
    nonEmpty(ctx.env.OPENCLAW_STATE_DIR) ??
    join(home, profile && profile !== "default" ? `.openclaw-${profile}` : ".openclaw");
  const configPath = nonEmpty(ctx.env.OPENCLAW_CONFIG_PATH) ?? join(stateDir, CONFIG_FILE_NAME);
  return { profile, stateDir, configPath, basePort: profile === "dev" ? DEV_PORT : DEFAULT_PORT };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}
