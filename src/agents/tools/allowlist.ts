// The exec allowlist per agent, in `<stateDir>/exec-approvals.json` (0600): patterns of executables that run
// without asking. "allow-always" decisions add to it; `openclaw approvals allowlist add|remove` edit it.
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import { globMatch } from "./fs-tools.ts";

export interface AllowlistEntry {
  id: string;
  pattern: string;
  source?: "allow-always";
  lastUsedAt?: number;
  lastUsedCommand?: string;
}

export interface ApprovalsFile {
  version: 1;
  agents: Record<string, { allowlist: AllowlistEntry[] }>;
}

/** Patterns one agent may keep; more is refused (the file is read on every exec). */
export const MAX_ALLOWLIST = 1000;

export function approvalsPath(stateDir: string): string {
  return join(stateDir, "exec-approvals.json");
}

export function readApprovals(path: string): ApprovalsFile {
  if (!existsSync(path)) return { version: 1, agents: {} };
  const parsed = JSON.parse(readFileSync(path, "utf8")) as Partial<ApprovalsFile>;
  return { version: 1, agents: parsed.agents && typeof parsed.agents === "object" ? parsed.agents : {} };
}

export function writeApprovals(path: string, file: ApprovalsFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
  chmodSync(tmp, 0o600);
  renameSync(tmp, path);
}

export function addPattern(path: string, agentId: string, pattern: string, source?: "allow-always"): AllowlistEntry {
  const file = readApprovals(path);
  const agent = (file.agents[agentId] ??= { allowlist: [] });
  const existing = agent.allowlist.find((e) => e.pattern === pattern);
  if (existing) return existing;
  if (agent.allowlist.length >= MAX_ALLOWLIST) throw new Error(`allowlist of ${agentId} is full (${MAX_ALLOWLIST} patterns)`);
  const entry: AllowlistEntry = { id: crypto.randomUUID(), pattern, ...(source ? { source } : {}) };
  agent.allowlist.push(entry);
  writeApprovals(path, file);
  return entry;
}

export function removePattern(path: string, agentId: string, pattern: string): boolean {
  const file = readApprovals(path);
  const agent = file.agents[agentId];
  if (!agent) return false;
  const before = agent.allowlist.length;
  agent.allowlist = agent.allowlist.filter((e) => e.pattern !== pattern && e.id !== pattern);
  if (agent.allowlist.length === before) return false;
  writeApprovals(path, file);
  return true;
}

/** Shell syntax that chains or substitutes commands: such a command never matches an allowlist entry. */
const SHELL_META = /[;&|`$<>(){}\n\\]/;

/** The executable a simple command runs: its first word, and that word found on PATH. */
export function commandExecutable(command: string, env: Record<string, string | undefined>): { word: string; resolved?: string } | undefined {
  const trimmed = command.trim();
  if (!trimmed || SHELL_META.test(trimmed)) return undefined;
  const word = trimmed.split(/\s+/)[0]!.replace(/^['"]|['"]$/g, "");
  if (isAbsolute(word)) return { word, resolved: word };
  if (word.includes("/")) return { word };
  for (const dir of (env.PATH ?? "").split(delimiter)) {
    if (dir && existsSync(join(dir, word))) return { word, resolved: join(dir, word) };
  }
  return { word };
}

/** The entry that admits this command, if any (simple commands only; see SHELL_META). */
export function matchAllowlist(entries: AllowlistEntry[], command: string, env: Record<string, string | undefined>): AllowlistEntry | undefined {
  const exe = commandExecutable(command, env);
  if (!exe) return undefined;
  return entries.find((e) => e.pattern === exe.word || (exe.resolved !== undefined && (e.pattern === exe.resolved || (e.pattern.includes("/") && globMatch(e.pattern, exe.resolved)))));
}
