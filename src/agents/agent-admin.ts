// agents.create|update|delete and agents.files.list|get|set: agents are config entries
// (`agents.entries.<id>`: name, workspace, model, emoji, avatar), written through the validated config editor
// and adopted hot; each has its own workspace whose bootstrap files these methods read and write.
import { existsSync, mkdirSync, renameSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { resolveAgent } from "./config.ts";
import { gatewayError, type AgentsService } from "./methods-shared.ts";
import { workspaceDir } from "./tools/paths.ts";
import { describeFile, isBootstrapName, LISTED_FILES, MAX_BOOTSTRAP_FILE_BYTES, seedWorkspace, writeBootstrapFile } from "./workspace-files.ts";
import { editConfig } from "../config/edit.ts";
import { ConfigError } from "../config/errors.ts";
import { parseParams } from "../methods/_params.ts";
import type { MethodContext, MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";

const CreateParams = z.object({ name: z.string().min(1), workspace: z.string().min(1).optional(), model: z.string().min(1).optional(), emoji: z.string().optional(), avatar: z.string().optional() }).strict();
const UpdateParams = z
  .object({
    agentId: z.string().min(1),
    name: z.string().min(1).optional(),
    workspace: z.string().min(1).optional(),
    model: z.string().min(1).nullable().optional(),
    agentRuntime: z.string().min(1).optional(),
    emoji: z.string().optional(),
    avatar: z.string().optional(),
  })
  .strict();
const DeleteParams = z.object({ agentId: z.string().min(1), deleteFiles: z.boolean().optional() }).strict();
const FilesListParams = z.object({ agentId: z.string().min(1) }).strict();
const FileGetParams = z.object({ agentId: z.string().min(1), name: z.string().min(1) }).strict();
const FileSetParams = z
  .object({ agentId: z.string().min(1), name: z.string().min(1), content: z.string(), expectedHash: z.string().regex(/^[a-fA-F0-9]{64}$/).optional() })
  .strict();

/** "My Helper!" → "my-helper": the id an agent name becomes (letters, digits, '-', '_'; at most 64). */
export function agentIdFromName(name: string): string {
  return name.trim().toLowerCase().replace(/[^a-z0-9_-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 64);
}

type Entries = Record<string, Record<string, unknown> | null>;

export function agentAdminMethods(service: AgentsService): MethodFamily {
  const { runs } = service;
  const stateDir = (ctx: MethodContext) => ctx.gateway.config().paths.stateDir;
  const known = (agentId: string) => {
    try {
      return resolveAgent(runs.config, agentId);
    } catch {
      throw new GatewayError("INVALID_REQUEST", `agent "${agentId}" not found`);
    }
  };
  const workspaceOf = (ctx: MethodContext, agentId: string) => {
    const agent = known(agentId);
    return workspaceDir(agent.workspace, agent.id, stateDir(ctx));
  };
  /** Edits agents.entries (and bindings) through the validated writer, then adopts the result hot. */
  const edit = (ctx: MethodContext, origin: string, mutate: (entries: Entries, authored: Record<string, any>) => void) => {
    try {
      const result = editConfig(
        ctx.gateway.config().paths,
        (authored: Record<string, any>) => {
          authored.agents ??= {};
          authored.agents.entries ??= {};
          mutate(authored.agents.entries as Entries, authored);
          return authored;
        },
        { env: ctx.gateway.env },
      );
      if (result.changed) ctx.gateway.adoptConfig(result.snapshot, origin);
    } catch (error) {
      if (error instanceof ConfigError) throw new GatewayError("INVALID_REQUEST", error.message, { details: { code: "CONFIG_INVALID", issues: error.issues } });
      throw gatewayError(error);
    }
  };
  const entryKey = (entries: Entries, agentId: string) => Object.keys(entries).find((id) => id.toLowerCase() === agentId);

  return {
    "agents.create": (params, ctx) => {
      const p = parseParams("agents.create", CreateParams, params);
      const agentId = agentIdFromName(p.name);
      if (!agentId) throw new GatewayError("INVALID_REQUEST", `agent name "${p.name}" has no letters or digits to make an id from`);
      if (runs.config.agents[agentId]) throw new GatewayError("INVALID_REQUEST", `agent "${agentId}" already exists`);
      const workspace = workspaceDir(p.workspace, agentId, stateDir(ctx));
      edit(ctx, "agents.create", (entries) => {
        entries[agentId] = { name: p.name.trim(), workspace, ...(p.model ? { model: p.model } : {}), ...(p.emoji ? { emoji: p.emoji } : {}), ...(p.avatar ? { avatar: p.avatar } : {}) };
      });
      mkdirSync(workspace, { recursive: true, mode: 0o700 });
      seedWorkspace(workspace, { name: p.name.trim(), emoji: p.emoji });
      return { ok: true, agentId, name: p.name.trim(), workspace, ...(p.model ? { model: p.model } : {}) };
    },

    "agents.update": (params, ctx) => {
      const p = parseParams("agents.update", UpdateParams, params);
      const agentId = known(p.agentId.toLowerCase()).id;
      edit(ctx, "agents.update", (entries) => {
        const key = entryKey(entries, agentId) ?? agentId;
        const entry = { ...(entries[key] ?? {}) };
        if (p.name) entry.name = p.name.trim();
        if (p.workspace) entry.workspace = workspaceDir(p.workspace, agentId, stateDir(ctx));
        if (p.model === null) delete entry.model;
        else if (p.model) entry.model = p.model;
        if (p.emoji !== undefined) entry.emoji = p.emoji;
        if (p.avatar !== undefined) entry.avatar = p.avatar;
        entries[key] = entry;
      });
      if (p.workspace) mkdirSync(workspaceDir(p.workspace, agentId, stateDir(ctx)), { recursive: true, mode: 0o700 });
      return { ok: true, agentId };
    },

    "agents.delete": (params, ctx) => {
      const p = parseParams("agents.delete", DeleteParams, params);
      const agentId = known(p.agentId.toLowerCase()).id;
      if (agentId === runs.config.defaultAgentId) throw new GatewayError("INVALID_REQUEST", `the default agent "${agentId}" cannot be deleted`);
      const workspace = workspaceOf(ctx, agentId);
      let removedBindings = 0;
      edit(ctx, "agents.delete", (entries, authored) => {
        delete entries[entryKey(entries, agentId) ?? agentId];
        if (Array.isArray(authored.bindings)) {
          const before = authored.bindings.length;
          authored.bindings = authored.bindings.filter((b: any) => String(b?.agentId ?? "").toLowerCase() !== agentId);
          removedBindings = before - authored.bindings.length;
        }
      });
      const out: Record<string, unknown> = { ok: true, agentId, removedBindings };
      if (p.deleteFiles) {
        // Moved aside, not erased: the workspace may hold the only copy of someone's notes.
        if (!existsSync(workspace)) out.removed = [{ path: workspace, method: "missing" }];
        else {
          const trash = join(stateDir(ctx), "trash");
          mkdirSync(trash, { recursive: true, mode: 0o700 });
          try {
            renameSync(workspace, join(trash, `workspace-${agentId}-${Date.now()}`));
            out.removed = [{ path: workspace, method: "trash" }];
          } catch (error) {
            out.failed = [{ path: workspace, reason: (error as Error).message }];
          }
        }
      }
      return out;
    },

    "agents.files.list": (params, ctx) => {
      const p = parseParams("agents.files.list", FilesListParams, params);
      const agentId = known(p.agentId.toLowerCase()).id;
      const workspace = workspaceOf(ctx, agentId);
      return { agentId, workspace, files: LISTED_FILES.map((name) => describeFile(workspace, name, false)) };
    },

    "agents.files.get": (params, ctx) => {
      const p = parseParams("agents.files.get", FileGetParams, params);
      const agentId = known(p.agentId.toLowerCase()).id;
      if (!isBootstrapName(p.name.trim())) throw new GatewayError("INVALID_REQUEST", `unsupported file "${p.name}"`);
      const workspace = workspaceOf(ctx, agentId);
      return { agentId, workspace, file: describeFile(workspace, p.name.trim(), true) };
    },

    "agents.files.set": (params, ctx) => {
      const p = parseParams("agents.files.set", FileSetParams, params);
      const agentId = known(p.agentId.toLowerCase()).id;
      const name = p.name.trim();
      if (!isBootstrapName(name)) throw new GatewayError("INVALID_REQUEST", `unsupported file "${p.name}"`);
      if (Buffer.byteLength(p.content) > MAX_BOOTSTRAP_FILE_BYTES) throw new GatewayError("INVALID_REQUEST", `content is larger than ${MAX_BOOTSTRAP_FILE_BYTES} bytes`);
      const workspace = workspaceOf(ctx, agentId);
      const current = describeFile(workspace, name, false);
      if (p.expectedHash && current.hash?.toLowerCase() !== p.expectedHash.toLowerCase()) {
        throw new GatewayError("INVALID_REQUEST", `${name} changed since it was read (expectedHash does not match); re-read and retry`);
      }
      mkdirSync(workspace, { recursive: true, mode: 0o700 });
      return { ok: true, agentId, workspace, file: writeBootstrapFile(workspace, name, p.content) };
    },
  };
}

