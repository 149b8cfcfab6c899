// Where an agent's tools may touch the disk: its workspace and nothing outside it. A path is resolved against
// the workspace, and refused when it (or the nearest existing parent, after following symlinks) lies outside.
import { existsSync, mkdirSync, realpathSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";

export class PathError extends Error {
  override readonly name = "PathError";
}

/** The agent's workspace: its configured folder (`~` expanded), else `<stateDir>/workspace[-<agentId>]`. */
export function workspaceDir(configured: string | undefined, agentId: string, stateDir: string, defaultAgentId = "main"): string {
  if (configured?.trim()) {
    const value = configured.trim();
    return resolve(value === "~" ? homedir() : value.startsWith("~/") ? join(homedir(), value.slice(2)) : value);
  }
  return join(stateDir, agentId === defaultAgentId ? "workspace" : `workspace-${agentId}`);
}

/** Creates the workspace on first use (0700: it holds the agent's files and bootstrap prompts). */
export function ensureWorkspace(dir: string): string {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  return realpathSync(dir);
}

function inside(root: string, target: string): boolean {
  const rel = relative(root, target);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

/**
 * The absolute path a tool argument names, inside the workspace. Relative paths resolve against the
 * workspace; absolute ones must already be inside it; symlinks that lead out are refused like `..`.
 */
export function resolveInWorkspace(root: string, raw: unknown, label = "path"): string {
  if (typeof raw !== "string" || raw.trim() === "") throw new PathError(`${label} is required`);
  if (raw.includes("\0")) throw new PathError(`${label} contains a NUL byte`);
  const value = raw.startsWith("@") ? raw.slice(1) : raw;
  const target = resolve(root, value);
  if (!inside(root, target)) throw new PathError(`${label} ${raw} is outside the workspace (${root})`);
  // Follow symlinks of the deepest part that exists: a link inside the workspace must not lead outside it.
  let probe = target;
  while (!existsSync(probe) && probe !== root) probe = dirname(probe);
  const real = realpathSync(probe);
  if (!inside(root, real)) throw new PathError(`${label} ${raw} resolves outside the workspace (${root})`);
  return target;
}

/** The workspace-relative form of a path, for tool output. */
export function display(root: string, path: string): string {
  return relative(root, path) || ".";
}
