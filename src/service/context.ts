import { sleep as defaultSleep } from "../platform/sleep.ts";
import { homedir, userInfo } from "node:os";
import { join } from "node:path";
import { resolveProfilePaths, type ProfilePaths } from "../config/paths.ts";
import { createLaunchdManager } from "./launchd.ts";
import { createRunner } from "./runner.ts";
import { createSchtasksManager } from "./schtasks.ts";
import { createSystemdManager } from "./systemd.ts";
import { ServiceError, type CommandRunner, type ManagerKind, type ServiceContext, type ServiceManager, type ServiceRoots } from "./types.ts";
import { processAlive } from "./wait.ts";

/** Inputs shared by every service function; everything but env has a real-system default. */
export interface ServiceOptions {
  /** Profile name (`--profile`), `"dev"` under `--dev`. */
  profile?: string;
  env: Record<string, string | undefined>;
  paths?: ProfilePaths;
  homeDir?: string;
  platform?: NodeJS.Platform;
  /** Overrides the platform's supervisor (also `OPENCLAW_SERVICE_MANAGER`). */
  manager?: ManagerKind;
  /** systemd: manage the system unit in /etc/systemd/system. */
  system?: boolean;
  run?: CommandRunner;
  roots?: Partial<ServiceRoots>;
  uid?: number;
  user?: string;
  sleep?: (ms: number) => Promise<void>;
  isAlive?: (pid: number) => boolean;
  stopTimeoutMs?: number;
}

const KINDS: readonly ManagerKind[] = ["systemd", "launchd", "schtasks"];

/** The supervisor of a platform, unless OPENCLAW_SERVICE_MANAGER or the option names another. */
export function managerKind(opts: Pick<ServiceOptions, "manager" | "env" | "platform">): ManagerKind {
  const forced = opts.manager ?? opts.env.OPENCLAW_SERVICE_MANAGER;
  if (forced) {
    if (!(KINDS as string[]).includes(forced)) throw new ServiceError("invalid", `Expected OPENCLAW_SERVICE_MANAGER to be systemd, launchd or schtasks, got ${JSON.stringify(forced)}`);
    return forced as ManagerKind;
  }
  const platform = opts.platform ?? process.platform;
  if (platform === "linux") return "systemd";
  if (platform === "darwin") return "launchd";
  if (platform === "win32") return "schtasks";
  throw new ServiceError("unsupported", `No supported service manager on ${platform}`, "Run `openclaw gateway run` under your own supervisor.");
}

/** Fills in the real system around the given options (paths, runner, user, directories). */
export function createServiceContext(opts: ServiceOptions): ServiceContext {
  const env = opts.env;
  const homeDir = opts.homeDir ?? env.HOME ?? env.USERPROFILE ?? homedir();
  const paths = opts.paths ?? resolveProfilePaths(opts.profile, { env, homeDir });
  const info = safeUserInfo();
  const configHome = env.XDG_CONFIG_HOME || join(homeDir, ".config");
  const appData = env.APPDATA || join(homeDir, "AppData", "Roaming");
  const roots: ServiceRoots = {
    systemdUserDir: join(configHome, "systemd", "user"),
    systemdSystemDir: "/etc/systemd/system",
    launchAgentsDir: join(homeDir, "Library", "LaunchAgents"),
    launchDaemonsDir: "/Library/LaunchDaemons",
    globalLaunchAgentsDir: "/Library/LaunchAgents",
    startupDir: join(appData, "Microsoft", "Windows", "Start Menu", "Programs", "Startup"),
    ...opts.roots,
  };
  return {
    paths,
    env,
    run: opts.run ?? createRunner(env),
    homeDir,
    platform: opts.platform ?? process.platform,
    uid: opts.uid ?? process.getuid?.() ?? info.uid,
    user: opts.user || env.USER || env.USERNAME || info.username,
    system: opts.system ?? false,
    roots,
    sleep: opts.sleep ?? defaultSleep,
    isAlive: opts.isAlive ?? processAlive,
    stopTimeoutMs: opts.stopTimeoutMs ?? 45_000,
  };
}

/** The manager for a kind over a context. */
export function createManager(kind: ManagerKind, ctx: ServiceContext): ServiceManager {
  if (ctx.system && kind !== "systemd") {
    throw new ServiceError("unsupported", `--system is only supported for systemd (this is ${kind})`);
  }
  if (kind === "systemd") return createSystemdManager(ctx);
  if (kind === "launchd") return createLaunchdManager(ctx);
  return createSchtasksManager(ctx);
}

function safeUserInfo(): { uid: number; username: string } {
  try {
    const info = userInfo();
    return { uid: info.uid, username: info.username };
  } catch {
    return { uid: -1, username: "user" };
  }
}
