// The file tools of a workspace: read, write, edit, ls, find, grep. Every path goes through the workspace
// rules (paths.ts); every output and input has a size limit so one call cannot flood a run or the disk.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { display, resolveInWorkspace } from "./paths.ts";
import { num, str, ToolError, type ToolDefinition } from "./types.ts";

/** Characters a read returns at most; the rest is reachable with offset/limit. */
export const MAX_READ_CHARS = 50_000;
/** Bytes a write or edit may leave in one file. */
export const MAX_WRITE_BYTES = 5 * 1024 * 1024;
/** Entries ls/find/grep return at most, and files grep scans at most. */
export const MAX_LIST = 500;
const MAX_SCAN_FILES = 5_000;
const MAX_SCAN_BYTES = 1024 * 1024;

function readText(path: string): string {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) throw new ToolError(`no such file: ${path}`);
  if (st.isDirectory()) throw new ToolError(`${path} is a directory; use ls`);
  if (st.size > MAX_WRITE_BYTES * 4) throw new ToolError(`file is too large to read (${st.size} bytes)`);
  return readFileSync(path, "utf8");
}

function writeText(path: string, content: string): void {
  if (Buffer.byteLength(content) > MAX_WRITE_BYTES) throw new ToolError(`content is larger than ${MAX_WRITE_BYTES} bytes`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** Walks the workspace (skipping .git and node_modules), depth-first, at most `max` files. */
function* walk(root: string, dir: string, max: number): Generator<string> {
  let seen = 0;
  const stack = [dir];
  while (stack.length) {
    const current = stack.pop()!;
    let entries;
    try {
      entries = readdirSync(current, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const entry of entries.sort((a, b) => b.name.localeCompare(a.name))) {
      if (entry.name === ".git" || entry.name === "node_modules") continue;
      const full = join(current, entry.name);
      if (entry.isDirectory()) stack.push(full);
      else if (entry.isFile()) {
        if (++seen > max) return;
        yield full;
      }
    }
  }
}

/** `*`, `**` and `?` globs against a workspace-relative path (or its base name when the glob has no slash). */
export function globMatch(glob: string, path: string): boolean {
  const source = glob
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*\*\/?/g, "\u0000")
    .replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]")
    .replace(/\u0000/g, "(?:.*/)?.*");
  const target = glob.includes("/") ? path : path.slice(path.lastIndexOf("/") + 1);
  return new RegExp(`^${source}$`).test(target);
}

export const readTool: ToolDefinition = {
  name: "read",
  description: "Read a text file in the workspace. offset is the 1-based first line, limit the number of lines.",
  parameters: { type: "object", properties: { path: { type: "string" }, offset: { type: "number" }, limit: { type: "number" } }, required: ["path"] },
  run(args, ctx) {
    const path = resolveInWorkspace(ctx.workspace, str(args, "path"));
    const lines = readText(path).split("\n");
    const start = Math.max(1, Math.floor(num(args, "offset") ?? 1));
    const count = Math.max(1, Math.floor(num(args, "limit") ?? 2000));
    let text = lines.slice(start - 1, start - 1 + count).join("\n");
    let truncated = start - 1 + count < lines.length;
    if (text.length > MAX_READ_CHARS) {
      text = text.slice(0, MAX_READ_CHARS);
      truncated = true;
    }
    if (truncated) text += `\n\n[truncated: ${lines.length} lines in all; continue with offset]`;
    return { text, details: { path: display(ctx.workspace, path), lines: lines.length, truncated } };
  },
};

export const writeTool: ToolDefinition = {
  name: "write",
  description: "Create or overwrite a file in the workspace with the given content (parent folders are created).",
  parameters: { type: "object", properties: { path: { type: "string" }, content: { type: "string" } }, required: ["path", "content"] },
  run(args, ctx) {
    const path = resolveInWorkspace(ctx.workspace, str(args, "path"));
    const content = str(args, "content")!;
    writeText(path, content);
    return { text: `Wrote ${Buffer.byteLength(content)} bytes to ${display(ctx.workspace, path)}`, details: { path: display(ctx.workspace, path), bytes: Buffer.byteLength(content) } };
  },
};

export const editTool: ToolDefinition = {
  name: "edit",
  description: "Replace exactly one occurrence of oldText with newText in a workspace file.",
  parameters: { type: "object", properties: { path: { type: "string" }, oldText: { type: "string" }, newText: { type: "string" } }, required: ["path", "oldText", "newText"] },
  run(args, ctx) {
    const path = resolveInWorkspace(ctx.workspace, str(args, "path"));
    const oldText = str(args, "oldText")!;
    const newText = str(args, "newText")!;
    if (oldText === "") throw new ToolError("oldText must not be empty");
    const content = readText(path);
    const first = content.indexOf(oldText);
    if (first === -1) throw new ToolError(`oldText not found in ${display(ctx.workspace, path)}`);
    if (content.indexOf(oldText, first + 1) !== -1) throw new ToolError(`oldText occurs more than once in ${display(ctx.workspace, path)}; include more context`);
    if (oldText === newText) return { text: "No changes (oldText equals newText)", details: { changed: false } };
    writeText(path, content.slice(0, first) + newText + content.slice(first + oldText.length));
    return { text: `Edited ${display(ctx.workspace, path)}`, details: { path: display(ctx.workspace, path), changed: true } };
  },
};

export const lsTool: ToolDefinition = {
  name: "ls",
  description: "List a workspace folder (folders end with /).",
  parameters: { type: "object", properties: { path: { type: "string" }, limit: { type: "number" } } },
  run(args, ctx) {
    const dir = resolveInWorkspace(ctx.workspace, str(args, "path", false) ?? ".");
    const limit = Math.min(MAX_LIST, Math.max(1, Math.floor(num(args, "limit") ?? MAX_LIST)));
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      throw new ToolError(`not a folder: ${display(ctx.workspace, dir)}`);
    }
    const names = entries.map((e) => (e.isDirectory() ? `${e.name}/` : e.name)).sort();
    const shown = names.slice(0, limit);
    const more = names.length > limit ? `\n[${names.length - limit} more]` : "";
    return { text: (shown.join("\n") || "(empty)") + more, details: { count: names.length } };
  },
};

export const findTool: ToolDefinition = {
  name: "find",
  description: "Find workspace files whose path matches a glob (e.g. **/*.ts).",
  parameters: { type: "object", properties: { pattern: { type: "string" }, path: { type: "string" } }, required: ["pattern"] },
  run(args, ctx) {
    const pattern = str(args, "pattern")!;
    const dir = resolveInWorkspace(ctx.workspace, str(args, "path", false) ?? ".");
    const hits: string[] = [];
    for (const file of walk(ctx.workspace, dir, MAX_SCAN_FILES)) {
      const rel = display(ctx.workspace, file);
      if (globMatch(pattern, rel)) hits.push(rel);
      if (hits.length >= MAX_LIST) break;
    }
    return { text: hits.join("\n") || "No files found", details: { count: hits.length } };
  },
};

export const grepTool: ToolDefinition = {
  name: "grep",
  description: "Search workspace files for a regular expression; answers path:line: text.",
  parameters: {
    type: "object",
    properties: { pattern: { type: "string" }, path: { type: "string" }, glob: { type: "string" }, ignoreCase: { type: "boolean" }, limit: { type: "number" } },
    required: ["pattern"],
  },
  run(args, ctx) {
    let regex: RegExp;
    try {
      regex = new RegExp(str(args, "pattern")!, args.ignoreCase === true ? "i" : "");
    } catch (error) {
      throw new ToolError(`invalid pattern: ${(error as Error).message}`);
    }
    const glob = str(args, "glob", false);
    const limit = Math.min(MAX_LIST, Math.max(1, Math.floor(num(args, "limit") ?? 100)));
    const dir = resolveInWorkspace(ctx.workspace, str(args, "path", false) ?? ".");
    const hits: string[] = [];
    outer: for (const file of walk(ctx.workspace, dir, MAX_SCAN_FILES)) {
      const rel = display(ctx.workspace, file);
      if (glob && !globMatch(glob, rel)) continue;
      if (statSync(file).size > MAX_SCAN_BYTES) continue;
      const lines = readFileSync(file, "utf8").split("\n");
      for (let i = 0; i < lines.length; i++) {
        if (!regex.test(lines[i]!)) continue;
        hits.push(`${rel}:${i + 1}: ${lines[i]!.slice(0, 300)}`);
        if (hits.length >= limit) break outer;
      }
    }
    return { text: hits.join("\n") || "No matches", details: { count: hits.length } };
  },
};
