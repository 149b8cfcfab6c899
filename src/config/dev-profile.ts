import { existsSync, mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { nodeCrypto } from "../platform/node.ts";
import { ConfigError } from "./errors.ts";
import type { ProfilePaths } from "./paths.ts";
import { writeFileAtomic } from "./write.ts";

/** What `--dev` created, so the command can say where things are. */
export interface DevBootstrap {
  createdConfig: boolean;
  createdWorkspace: boolean;
  configPath: string;
  workspaceDir: string;
  /** The generated token, only when the config was created now. */
  token?: string;
}

/** The dev workspace lives inside the dev state dir so `--reset` can remove it with the rest. */
export function devWorkspaceDir(paths: ProfilePaths): string {
  return join(paths.stateDir, "workspace");
}

/** Creates the dev config (local mode, port 19001, a fresh token) and workspace when they are missing. */
export function ensureDevProfile(paths: ProfilePaths): DevBootstrap {
  assertDev(paths, "--dev");
  const workspaceDir = devWorkspaceDir(paths);
  mkdirSync(paths.stateDir, { recursive: true, mode: 0o700 });
  let token: string | undefined;
  const createdConfig = !existsSync(paths.configPath);
  if (createdConfig) {
    token = nodeCrypto().randomBytes(24).toString("base64url");
    const config = {
      gateway: { mode: "local", port: paths.basePort, bind: "loopback", auth: { mode: "token", token } },
      agents: { defaults: { workspace: workspaceDir } },
    };
    writeFileAtomic(paths.configPath, `${JSON.stringify(config, null, 2)}\n`, { backup: false, mode: 0o600 });
  }
  const createdWorkspace = !existsSync(workspaceDir);
  if (createdWorkspace) mkdirSync(workspaceDir, { recursive: true, mode: 0o700 });
  return { createdConfig, createdWorkspace, configPath: paths.configPath, workspaceDir, token };
}

/** Everything `--reset` deletes: dev config (and its backup), credentials, sessions and workspace. */
export function devResetTargets(paths: ProfilePaths): string[] {
  assertDev(paths, "--reset");
  return [
    paths.configPath,
    `${paths.configPath}.bak`,
    join(paths.stateDir, "credentials"),
    join(paths.stateDir, "sessions"),
    join(paths.stateDir, "agents"),
    devWorkspaceDir(paths),
  ].filter((target) => existsSync(target));
}

/** Deletes the given reset targets (the caller prints them first). */
export function removeDevTargets(targets: string[]): void {
  for (const target of targets) rmSync(target, { recursive: true, force: true });
}

function assertDev(paths: ProfilePaths, flag: string): void {
  if (paths.profile !== "dev") {
    throw new ConfigError("EPROFILE", `${flag} acts only on the dev profile; add --dev`);
  }
}
