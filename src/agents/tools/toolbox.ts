// The agent's tool set: every workspace tool, filtered by policy for one agent, run in that agent's workspace.
// Runs (the model loop) and `/tools/invoke` both call tools through here, so both obey the same policy.
import { existsSync } from "node:fs";
import { seedWorkspace } from "../workspace-files.ts";
import { applyPatchTool } from "./apply-patch.ts";
import type { Approvals } from "./approvals.ts";
import { approvalsPath } from "./allowlist.ts";
import { execSettings, execTool, processTool, type ExecHost } from "./exec.ts";
import { editTool, findTool, grepTool, lsTool, readTool, writeTool } from "./fs-tools.ts";
import { messageTool } from "./message.ts";
import { ensureWorkspace, PathError, workspaceDir } from "./paths.ts";
import { toolAllowed } from "./policy.ts";
import { ProcessRegistry } from "./processes.ts";
import { ToolError, type ToolContext, type ToolDefinition, type ToolResult } from "./types.ts";
import type { ConfigSnapshot } from "../../config/load.ts";
import type { ChannelDelivery } from "../delivery-types.ts";

/** Arguments larger than this (JSON characters) are refused before a tool sees them. */
export const MAX_ARGS_CHARS = 2 * 1024 * 1024;

export interface ToolboxDeps {
  config: () => ConfigSnapshot;
  approvals: Approvals;
  /** The channels feature (set by the composition) for the `message` tool; offered only while a channel is configured. */
  delivery?: () => ChannelDelivery | undefined;
}

export class Toolbox {
  readonly processes = new ProcessRegistry();
  readonly #tools: ToolDefinition[];
  readonly #host: ExecHost;

  constructor(private readonly deps: ToolboxDeps) {
    this.#host = {
      settings: (agentId) => execSettings(this.#config(), agentId),
      approvals: deps.approvals,
      processes: this.processes,
      approvalsPath: () => approvalsPath(deps.config().paths.stateDir),
    };
    this.#tools = [readTool, writeTool, editTool, applyPatchTool, lsTool, findTool, grepTool, execTool(this.#host), processTool(this.#host),
      messageTool(() => deps.delivery?.(), () => this.#config())];
  }

  /** Adds a tool another feature brings (canvas, handed over in src/features.ts); the same policy applies. */
  register(tool: ToolDefinition): void {
    if (this.#tools.some((t) => t.name === tool.name)) throw new Error(`tool ${tool.name} registered twice`);
    this.#tools.push(tool);
  }

  #offered(agentId: string): ToolDefinition[] {
    return this.#tools.filter((t) => (t.offered?.() ?? true) && toolAllowed(this.#config(), agentId, t.name));
  }

  #config(): Record<string, any> {
    return this.deps.config().config as Record<string, any>;
  }

  /** The agent's workspace folder; a brand-new one gets the starting bootstrap files (as the reference does). */
  workspace(agentId: string, configured: string | undefined, name = agentId): string {
    const dir = workspaceDir(configured, agentId, this.deps.config().paths.stateDir);
    const fresh = !existsSync(dir);
    const real = ensureWorkspace(dir);
    if (fresh) seedWorkspace(real, { name });
    return real;
  }

  /** Tools this agent may call, as the model sees them. */
  definitions(agentId: string): Array<{ name: string; description: string; parameters: Record<string, unknown> }> {
    return this.#offered(agentId).map(({ name, description, parameters }) => ({ name, description, parameters }));
  }

  /** True when the tool exists and the policy lets this agent call it. */
  available(agentId: string, name: string): boolean {
    return this.#offered(agentId).some((t) => t.name === name);
  }

  /** Runs one call; refusals and failures come back as error results the model reads, never as throws. */
  async invoke(name: string, rawArgs: unknown, ctx: ToolContext): Promise<ToolResult> {
    const tool = this.#offered(ctx.agentId).find((t) => t.name === name);
    if (!tool) return { text: `Tool not available: ${name}`, isError: true, details: { status: "unavailable" } };
    let args: Record<string, unknown>;
    try {
      args = typeof rawArgs === "string" ? (rawArgs.length > MAX_ARGS_CHARS ? fail("arguments too large") : JSON.parse(rawArgs || "{}")) : ((rawArgs ?? {}) as Record<string, unknown>);
      if (!args || typeof args !== "object" || Array.isArray(args)) fail("arguments must be a JSON object");
    } catch (error) {
      return { text: `Invalid arguments for ${name}: ${(error as Error).message}`, isError: true };
    }
    try {
      return await tool.run(args, ctx);
    } catch (error) {
      if (error instanceof ToolError || error instanceof PathError) return { text: error.message, isError: true, details: { status: "error" } };
      return { text: `${name} failed: ${(error as Error)?.message ?? String(error)}`, isError: true, details: { status: "error" } };
    }
  }

  stop(): void {
    this.processes.killAll();
  }
}

function fail(message: string): never {
  throw new ToolError(message);
}
