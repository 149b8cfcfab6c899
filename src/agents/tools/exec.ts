// `exec` and `process`: shell commands in the agent's workspace, in the foreground (waiting up to yieldMs)
// or the background (polled with `process`). `tools.exec.mode` decides: full runs everything, deny nothing,
// allowlist only allowlisted simple commands, ask asks an operator for anything not allowlisted (the call
// waits for exec.approval.resolve, and is refused on deny, timeout, or when the run is aborted).
import { addPattern, commandExecutable, matchAllowlist, readApprovals } from "./allowlist.ts";
import { ApprovalError, DEFAULT_APPROVAL_TIMEOUT_MS, type Approvals } from "./approvals.ts";
import { resolveInWorkspace } from "./paths.ts";
import type { ExecProcess, ProcessRegistry } from "./processes.ts";
import { num, str, ToolError, type ToolContext, type ToolDefinition, type ToolResult } from "./types.ts";

export type ExecMode = "deny" | "allowlist" | "ask" | "full";

export interface ExecSettings {
  mode: ExecMode;
  timeoutSeconds: number;
  approvalTimeoutMs: number;
  /** Always asking (mode ask) even for allowlisted commands. */
  askAlways: boolean;
}

/** `tools.exec.*`, with an agent's `agents.entries.<id>.tools.exec.*` over it. Defaults: full, 1800 s, 30 min. */
export function execSettings(config: Record<string, any>, agentId: string): ExecSettings {
  const global = config.tools?.exec ?? {};
  const entry = Object.entries(config.agents?.entries ?? {}).find(([id]) => id.toLowerCase() === agentId)?.[1] as any;
  const own = entry?.tools?.exec ?? {};
  const pick = (key: string) => own[key] ?? global[key];
  const rawMode = pick("mode");
  const mode: ExecMode = rawMode === "deny" || rawMode === "allowlist" || rawMode === "ask" || rawMode === "full" ? rawMode : rawMode === "auto" ? "ask" : "full";
  const timeoutSeconds = typeof pick("timeoutSeconds") === "number" ? pick("timeoutSeconds") : 1800;
  const approval = pick("approvalTimeoutMs");
  return { mode, timeoutSeconds, approvalTimeoutMs: typeof approval === "number" && approval > 0 ? approval : DEFAULT_APPROVAL_TIMEOUT_MS, askAlways: pick("ask") === "always" };
}

/** What exec needs from the agents feature. */
export interface ExecHost {
  settings(agentId: string): ExecSettings;
  approvals: Approvals;
  processes: ProcessRegistry;
  approvalsPath: () => string;
}

/** Environment overrides a model may not set on the gateway host (binary and loader hijacking). */
const BLOCKED_ENV = /^(PATH|LD_.*|DYLD_.*)$/;
/** The gateway's own credentials never reach a command the model runs. */
const PRIVATE_ENV = /^OPENCLAW_GATEWAY_(TOKEN|PASSWORD)$/;
/** Foreground output returned to the model at most (the full tail stays reachable with process log). */
const MAX_RESULT_CHARS = 30_000;

function clip(text: string): string {
  return text.length > MAX_RESULT_CHARS ? `[${text.length - MAX_RESULT_CHARS} earlier characters omitted]\n${text.slice(-MAX_RESULT_CHARS)}` : text;
}

function finished(proc: ExecProcess): ToolResult {
  const { exitCode, status, signal } = proc.info;
  const out = clip(proc.output());
  const failed = status === "killed" || exitCode !== 0;
  const tail = status === "killed" ? `\n[process ${signal ?? "killed"}]` : exitCode !== 0 ? `\n[exit code ${exitCode}]` : "";
  return { text: (out || "(no output)") + tail, details: { status, exitCode, pid: proc.info.pid }, isError: failed };
}

async function authorize(host: ExecHost, command: string, cwd: string, ctx: ToolContext): Promise<void> {
  const settings = host.settings(ctx.agentId);
  if (settings.mode === "full" && !settings.askAlways) return;
  if (settings.mode === "deny") throw new ToolError("exec is denied by policy (tools.exec.mode = deny)");
  const file = readApprovals(host.approvalsPath());
  // Entries under "*" apply to every agent (the CLI's default --agent).
  const allow = [...(file.agents["*"]?.allowlist ?? []), ...(file.agents[ctx.agentId]?.allowlist ?? [])];
  const hit = settings.askAlways ? undefined : matchAllowlist(allow, command, process.env);
  if (hit) return;
  if (settings.mode === "ask" && ctx.trustedOperator) return;
  if (settings.mode === "allowlist") throw new ToolError(`exec denied: ${command.slice(0, 80)} is not on the allowlist of agent ${ctx.agentId}`);
  let outcome;
  try {
    outcome = await host.approvals.request(
      { command, cwd, agentId: ctx.agentId, sessionKey: ctx.sessionKey, runId: ctx.runId, toolCallId: ctx.toolCallId, host: "gateway", security: "allowlist", ask: settings.askAlways ? "always" : "on-miss" },
      settings.approvalTimeoutMs,
      ctx.signal,
    );
  } catch (error) {
    if (error instanceof ApprovalError) throw new ToolError(error.message);
    throw error;
  }
  if (outcome === "allow-always") {
    const exe = commandExecutable(command, process.env);
    if (exe) addPattern(host.approvalsPath(), ctx.agentId, exe.resolved ?? exe.word, "allow-always");
    return;
  }
  if (outcome === "allow-once") return;
  if (outcome === "timeout") throw new ToolError("exec denied: approval timed out");
  if (outcome === "aborted") throw new ToolError("exec cancelled: the run was aborted while waiting for approval");
  throw new ToolError("exec denied by an operator");
}

export function execTool(host: ExecHost): ToolDefinition {
  return {
    name: "exec",
    description: "Run a shell command in the workspace. background: true (or a command outliving yieldMs) returns a sessionId to poll with the process tool.",
    parameters: {
      type: "object",
      properties: {
        command: { type: "string" },
        workdir: { type: "string" },
        env: { type: "object", additionalProperties: { type: "string" } },
        yieldMs: { type: "number" },
        background: { type: "boolean" },
        timeoutSeconds: { type: "number" },
      },
      required: ["command"],
    },
    async run(args, ctx) {
      const command = str(args, "command")!;
      if (!command.trim()) throw new ToolError("command is empty");
      const cwd = resolveInWorkspace(ctx.workspace, str(args, "workdir", false) ?? ".", "workdir");
      const extra = (args.env ?? {}) as Record<string, unknown>;
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !PRIVATE_ENV.test(k)) env[k] = v;
      for (const [k, v] of Object.entries(extra)) {
        if (BLOCKED_ENV.test(k) || PRIVATE_ENV.test(k)) throw new ToolError(`env.${k} may not be overridden on the gateway host`);
        if (typeof v !== "string") throw new ToolError(`env.${k} must be a string`);
        env[k] = v;
      }
      env.OPENCLAW_SHELL = "exec";
      await authorize(host, command, cwd, ctx);
      if (ctx.signal.aborted) throw new ToolError("exec cancelled: the run was aborted");
      const settings = host.settings(ctx.agentId);
      const timeoutSeconds = num(args, "timeoutSeconds") ?? settings.timeoutSeconds;
      let proc: ExecProcess;
      try {
        proc = host.processes.start(command, cwd, ctx.agentId, env, timeoutSeconds * 1000);
      } catch (error) {
        throw new ToolError((error as Error).message);
      }
      ctx.update?.({ status: "running", sessionId: proc.info.id, pid: proc.info.pid });
      const running = () => ({ text: `Command still running (sessionId ${proc.info.id}, pid ${proc.info.pid}). Use process action poll with this sessionId.`, details: { status: "running", sessionId: proc.info.id, pid: proc.info.pid } });
      if (args.background === true) return running();
      const yieldMs = Math.max(0, num(args, "yieldMs") ?? 10_000);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const onAbort = () => proc.kill("abort");
      ctx.signal.addEventListener("abort", onAbort, { once: true });
      try {
        const outcome = await Promise.race([proc.exited.then(() => "exited" as const), new Promise<"yield">((resolve) => (timer = setTimeout(() => resolve("yield"), yieldMs)))]);
        if (outcome === "yield" && !ctx.signal.aborted) return running();
        await proc.exited;
        host.processes.forget(proc.info.id);
        if (ctx.signal.aborted) return { ...finished(proc), isError: true, text: `${proc.output()}\n[aborted: the run was stopped]` };
        return finished(proc);
      } finally {
        clearTimeout(timer);
        ctx.signal.removeEventListener("abort", onAbort);
      }
    },
  };
}

export function processTool(host: ExecHost): ToolDefinition {
  return {
    name: "process",
    description: "Manage background exec sessions: list, poll (new output and status; timeout waits up to that many ms for exit), log, write (stdin), kill.",
    parameters: {
      type: "object",
      properties: { action: { type: "string", enum: ["list", "poll", "log", "write", "kill"] }, sessionId: { type: "string" }, data: { type: "string" }, timeout: { type: "number" } },
      required: ["action"],
    },
    async run(args, ctx) {
      const action = str(args, "action")!;
      if (action === "list") {
        const list = host.processes.list(ctx.agentId);
        return { text: list.map((p) => `${p.id} ${p.status} ${p.command.slice(0, 80)}`).join("\n") || "No exec sessions", details: { sessions: list } };
      }
      const id = str(args, "sessionId")!;
      const proc = host.processes.get(id, ctx.agentId);
      if (!proc) throw new ToolError(`no exec session ${id}`);
      if (action === "poll") {
        const wait = Math.min(30_000, Math.max(0, num(args, "timeout") ?? 0));
        if (wait > 0 && proc.running) {
          let timer: ReturnType<typeof setTimeout> | undefined;
          const onAbort = () => clearTimeout(timer);
          await Promise.race([proc.exited, new Promise((resolve) => (timer = setTimeout(resolve, wait))), new Promise((resolve) => ctx.signal.addEventListener("abort", resolve, { once: true }))]);
          onAbort();
        }
        const text = proc.poll();
        const { status, exitCode } = proc.info;
        if (!proc.running) host.processes.forget(id);
        return { text: `${text || "(no new output)"}\n[${status}${status === "running" ? "" : `, exit code ${exitCode}`}]`, details: { status, exitCode, sessionId: id } };
      }
      if (action === "log") return { text: clip(proc.output()) || "(no output)", details: { status: proc.info.status, sessionId: id } };
      if (action === "write") {
        proc.write(str(args, "data")!);
        return { text: "written", details: { sessionId: id } };
      }
      if (action === "kill") {
        proc.kill("kill");
        await proc.exited;
        host.processes.forget(id);
        return { text: `killed ${id}`, details: { sessionId: id, status: proc.info.status } };
      }
      throw new ToolError(`unknown action ${action} (list, poll, log, write, kill)`);
    },
  };
}
