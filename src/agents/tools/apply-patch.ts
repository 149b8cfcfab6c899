// `apply_patch`: the reference's multi-file patch format (`*** Begin Patch` … `*** End Patch` with Add File,
// Update File (optionally Move to), Delete File and `@@` hunks of context, `-` and `+` lines), applied inside
// the workspace. The whole patch is checked before any file is written: a bad hunk changes nothing.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import { MAX_WRITE_BYTES } from "./fs-tools.ts";
import { display, resolveInWorkspace } from "./paths.ts";
import { str, ToolError, type ToolDefinition } from "./types.ts";

/** A patch larger than this is refused before parsing. */
export const MAX_PATCH_BYTES = 1024 * 1024;

type Op = { kind: "add"; path: string; content: string } | { kind: "delete"; path: string } | { kind: "update"; path: string; moveTo?: string; hunks: string[][] };

function parse(input: string): Op[] {
  const lines = input.replace(/\r\n/g, "\n").split("\n");
  let i = 0;
  while (i < lines.length && lines[i]!.trim() === "") i++;
  if (lines[i]?.trim() !== "*** Begin Patch") throw new ToolError("patch must start with *** Begin Patch");
  i++;
  const ops: Op[] = [];
  for (; i < lines.length; ) {
    const line = lines[i]!;
    if (line.trim() === "*** End Patch") return ops;
    if (line.startsWith("*** Add File: ")) {
      const body: string[] = [];
      for (i++; i < lines.length && !lines[i]!.startsWith("*** "); i++) {
        if (!lines[i]!.startsWith("+")) throw new ToolError(`Add File lines must start with + (line ${i + 1})`);
        body.push(lines[i]!.slice(1));
      }
      ops.push({ kind: "add", path: line.slice(14).trim(), content: body.join("\n") + (body.length ? "\n" : "") });
    } else if (line.startsWith("*** Delete File: ")) {
      ops.push({ kind: "delete", path: line.slice(17).trim() });
      i++;
    } else if (line.startsWith("*** Update File: ")) {
      const op: Op = { kind: "update", path: line.slice(17).trim(), hunks: [] };
      i++;
      if (lines[i]?.startsWith("*** Move to: ")) op.moveTo = lines[i++]!.slice(13).trim();
      let hunk: string[] | undefined;
      for (; i < lines.length && !lines[i]!.startsWith("*** "); i++) {
        const l = lines[i]!;
        if (l.startsWith("@@")) {
          hunk = [];
          op.hunks.push(hunk);
          continue;
        }
        if (!hunk) op.hunks.push((hunk = []));
        if (l === "" || /^[ +-]/.test(l)) hunk.push(l === "" ? " " : l);
        else throw new ToolError(`hunk lines start with ' ', '-' or '+' (line ${i + 1})`);
      }
      ops.push(op);
    } else if (line.trim() === "") i++;
    else throw new ToolError(`unexpected patch line ${i + 1}: ${line.slice(0, 80)}`);
  }
  throw new ToolError("patch must end with *** End Patch");
}

function applyHunks(content: string, hunks: string[][], path: string): string {
  const lines = content.split("\n");
  let from = 0;
  for (const hunk of hunks) {
    const before = hunk.filter((l) => l[0] !== "+").map((l) => l.slice(1));
    const after = hunk.filter((l) => l[0] !== "-").map((l) => l.slice(1));
    let at = -1;
    for (let s = from; s + before.length <= lines.length && at === -1; s++) {
      if (before.every((l, k) => lines[s + k] === l)) at = s;
    }
    if (at === -1) throw new ToolError(`hunk does not match ${path}:\n${before.join("\n").slice(0, 400)}`);
    lines.splice(at, before.length, ...after);
    from = at + after.length;
  }
  return lines.join("\n");
}

export const applyPatchTool: ToolDefinition = {
  name: "apply_patch",
  description: "Apply a patch (*** Begin Patch / *** Add File / *** Update File / *** Delete File / *** End Patch) to workspace files.",
  parameters: { type: "object", properties: { input: { type: "string" } }, required: ["input"] },
  run(args, ctx) {
    const input = str(args, "input")!;
    if (Buffer.byteLength(input) > MAX_PATCH_BYTES) throw new ToolError(`patch is larger than ${MAX_PATCH_BYTES} bytes`);
    const ops = parse(input);
    // Plan every write first; a failure anywhere leaves the workspace untouched.
    const writes: Array<{ path: string; content?: string }> = [];
    for (const op of ops) {
      const path = resolveInWorkspace(ctx.workspace, op.path);
      if (op.kind === "add") {
        if (existsSync(path)) throw new ToolError(`Add File: ${op.path} already exists`);
        writes.push({ path, content: op.content });
      } else if (op.kind === "delete") {
        if (!existsSync(path)) throw new ToolError(`Delete File: ${op.path} does not exist`);
        writes.push({ path });
      } else {
        if (!existsSync(path)) throw new ToolError(`Update File: ${op.path} does not exist`);
        const next = applyHunks(readFileSync(path, "utf8"), op.hunks, op.path);
        if (op.moveTo) {
          writes.push({ path: resolveInWorkspace(ctx.workspace, op.moveTo), content: next });
          writes.push({ path });
        } else writes.push({ path, content: next });
      }
    }
    for (const w of writes) if (w.content !== undefined && Buffer.byteLength(w.content) > MAX_WRITE_BYTES) throw new ToolError(`${display(ctx.workspace, w.path)} would exceed ${MAX_WRITE_BYTES} bytes`);
    for (const w of writes) {
      if (w.content === undefined) rmSync(w.path, { force: true });
      else {
        mkdirSync(dirname(w.path), { recursive: true });
        writeFileSync(w.path, w.content);
      }
    }
    const summary = ops.map((op) => `${op.kind === "add" ? "A" : op.kind === "delete" ? "D" : "M"} ${op.path}${op.kind === "update" && op.moveTo ? ` -> ${op.moveTo}` : ""}`);
    return { text: `Applied patch:\n${summary.join("\n")}`, details: { files: summary } };
  },
};
