// An agent's bootstrap files: the Markdown files in its workspace (AGENTS.md, SOUL.md, IDENTITY.md, USER.md,
// BOOTSTRAP.md, MEMORY.md) that the reference reads into every run's system prompt, and that `agents.files.*`
// list, read and write. Missing required files leave a marker in the prompt; optional ones are left out.
import { nodeCrypto } from "../platform/node.ts";
import { existsSync, lstatSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Prompt order, as the reference injects them. */
export const BOOTSTRAP_FILES = ["AGENTS.md", "SOUL.md", "IDENTITY.md", "USER.md", "BOOTSTRAP.md", "MEMORY.md"] as const;
/** The files `agents.files.list` shows (IDENTITY.md is edited through the identity, not the file list). */
export const LISTED_FILES = BOOTSTRAP_FILES.filter((name) => name !== "IDENTITY.md");
/** Files whose absence is normal: omitted from the prompt instead of marked missing. */
const OPTIONAL = new Set(["USER.md", "BOOTSTRAP.md", "MEMORY.md"]);
/** Per-file and total prompt budgets (reference defaults; USER.md has its own smaller cap). */
export const BOOTSTRAP_MAX_CHARS = 20_000;
export const BOOTSTRAP_TOTAL_MAX_CHARS = 60_000;
const USER_MAX_CHARS = 4_000;
/** Bytes one bootstrap file may hold when written through agents.files.set. */
export const MAX_BOOTSTRAP_FILE_BYTES = 256 * 1024;

export interface WorkspaceFile {
  name: string;
  path: string;
  missing: boolean;
  expectedAbsent?: boolean;
  size?: number;
  updatedAtMs?: number;
  hash?: string;
  content?: string;
}

export function isBootstrapName(name: string): boolean {
  return (BOOTSTRAP_FILES as readonly string[]).includes(name);
}

/** One file's metadata (and content when asked); symlinks and hard links are treated as missing. */
export function describeFile(workspace: string, name: string, withContent: boolean): WorkspaceFile {
  const path = join(workspace, name);
  const st = existsSync(path) ? lstatSync(path) : undefined;
  if (!st || !st.isFile() || st.nlink > 1) return { name, path, missing: true, ...(OPTIONAL.has(name) ? { expectedAbsent: true } : {}) };
  const content = readFileSync(path, "utf8");
  const out: WorkspaceFile = { name, path, missing: false, size: st.size, updatedAtMs: Math.floor(st.mtimeMs), hash: nodeCrypto().createHash("sha256").update(content).digest("hex") };
  if (withContent) out.content = content;
  return out;
}

export function writeBootstrapFile(workspace: string, name: string, content: string): WorkspaceFile {
  writeFileSync(join(workspace, name), content, { mode: 0o600 });
  return describeFile(workspace, name, true);
}

/** Starting files for a new agent's workspace; existing files are never overwritten. */
export function seedWorkspace(workspace: string, identity: { name: string; emoji?: string }): void {
  const seeds: Record<string, string> = {
    "AGENTS.md": "# AGENTS.md\n\nHow this agent works: its rules, priorities and conventions. Edit freely.\n",
    "SOUL.md": "# SOUL.md\n\nPersona, tone and boundaries of this agent.\n",
    "IDENTITY.md": `# IDENTITY.md\n\n- Name: ${identity.name}\n${identity.emoji ? `- Emoji: ${identity.emoji}\n` : ""}`,
  };
  for (const [name, content] of Object.entries(seeds)) {
    const path = join(workspace, name);
    if (!existsSync(path)) writeFileSync(path, content, { mode: 0o600 });
  }
}

/** The "Project Context" block of the system prompt: each bootstrap file under its name, within budget. */
export function bootstrapPrompt(workspace: string): string | undefined {
  const parts: string[] = [];
  let budget = BOOTSTRAP_TOTAL_MAX_CHARS;
  for (const name of BOOTSTRAP_FILES) {
    const file = describeFile(workspace, name, true);
    if (file.missing) {
      if (!OPTIONAL.has(name)) parts.push(`## ${name}\n[MISSING] Expected at: ${file.path}`);
      continue;
    }
    const cap = Math.min(name === "USER.md" ? USER_MAX_CHARS : BOOTSTRAP_MAX_CHARS, budget);
    if (cap <= 0) break;
    let text = file.content!.trim();
    if (text.length > cap) text = `${text.slice(0, cap)}\n[truncated: ${file.content!.length} characters in ${name}]`;
    budget -= Math.min(text.length, cap);
    parts.push(`## ${name}\n${text}`);
  }
  return parts.length ? `# Project Context\n\nWorkspace: ${workspace}\n\n${parts.join("\n\n")}` : undefined;
}
