// What a workspace tool is: a name, a JSON schema the model sees, and a function that runs it in a context.

/** What a tool call runs with: the agent's workspace, who asked, and the run's abort signal. */
export interface ToolContext {
  workspace: string;
  agentId: string;
  sessionKey: string;
  runId?: string;
  toolCallId?: string;
  signal: AbortSignal;
  /** The caller is a gateway-authenticated operator (`/tools/invoke`): exec asks nobody, policy still applies. */
  trustedOperator?: boolean;
  /** Progress of a long call (exec started: its pid), streamed as a tool `update` event. */
  update?: (details: Record<string, unknown>) => void;
}

/** A tool's outcome: the text the model reads, structured details for clients, and whether it failed. */
export interface ToolResult {
  text: string;
  details?: Record<string, unknown>;
  isError?: boolean;
}

export interface ToolDefinition {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
  run(args: Record<string, unknown>, ctx: ToolContext): Promise<ToolResult> | ToolResult;
  /** False while the tool cannot act (no canvas node connected, no channel configured), so it is not offered. */
  offered?(): boolean;
}

/** A tool failure the model should read (bad arguments, a refused path), not a gateway fault. */
export class ToolError extends Error {
  override readonly name = "ToolError";
}

export function str(args: Record<string, unknown>, key: string, required = true): string | undefined {
  const value = args[key];
  if (value === undefined || value === null) {
    if (required) throw new ToolError(`${key} is required`);
    return undefined;
  }
  if (typeof value !== "string") throw new ToolError(`${key} must be a string`);
  return value;
}

export function num(args: Record<string, unknown>, key: string): number | undefined {
  const value = args[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value)) throw new ToolError(`${key} must be a number`);
  return value;
}
