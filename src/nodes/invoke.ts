// node.invoke and the node's node.invoke.result: the reference's gates (private controls, exec approvals, admin-only
// host commands, pairing, connection, the platform command policy), then request → the node → result. An iOS node
// that cannot run a foreground command in the background gets it queued for `node.pending.pull` instead.
import { z } from "zod";
import { parseParams } from "../methods/_params.ts";
import type { MethodFamily } from "../methods/types.ts";
import { GatewayError, missingScope } from "../protocol/errors.ts";
import type { NodesContext } from "./context.ts";
import { commandAllowed, effectiveCommands, nodeAllowlist, PRIVATE_NODE_COMMANDS, rejectionHint, type CommandsConfig, type CommandVerdict } from "./policy.ts";
import type { ConnectedNode } from "./registry.ts";
import { systemRunParams } from "./system-run.ts";

const id = z.string().min(1);
const InvokeParams = z
  .object({
    nodeId: id,
    command: id,
    params: z.unknown().optional(),
    timeoutMs: z.number().int().min(0).optional(),
    idempotencyKey: id,
    sessionKey: id.optional(),
    turnSourceChannel: z.string().optional(),
    turnSourceTo: z.string().optional(),
    turnSourceAccountId: z.string().optional(),
    turnSourceThreadId: z.union([z.string(), z.number()]).optional(),
  })
  .strict();
const ResultParams = z
  .object({
    id,
    nodeId: id,
    ok: z.boolean(),
    payload: z.unknown().optional(),
    payloadJSON: z.string().optional(),
    error: z.object({ code: id.optional(), message: id.optional() }).strict().optional(),
  })
  .strict();

const ProgressParams = z.object({ invokeId: id, nodeId: id, seq: z.number().int().min(0), chunk: z.string() }).strict();
/** The reference's bound on one streamed output chunk. */
const MAX_PROGRESS_CHUNK_BYTES = 16_384;

const ADMIN_ONLY = new Set(["browser.proxy", "browser.proxy.upload.v1", "fs.listDir", "terminal.upload"]);

/** The error the reference answers when the node's pairing is gone (or never was) while a call needs it. */
export const pairingChanged = (what = "invocation") => new GatewayError("UNAVAILABLE", `node pairing changed while ${what} was active`, { retryable: true, details: { code: "PAIRING_CHANGED" } });

/** What a live node declared and may run now (within the pairing policy), and the verdict on one command. */
export interface LiveCommands {
  config: CommandsConfig;
  declared: string[];
  effective: string[];
  /** The reference's order: allowlist first, then the node's effective declaration. */
  check(command: string): CommandVerdict;
}

/** The one reading of a live node's command policy, shared by node.invoke, node.pending.pull and node.list. */
export function liveCommands(ctx: NodesContext, node: ConnectedNode, approved: readonly string[] | undefined): LiveCommands {
  const config = ctx.commands();
  const client = node.client.connect.client;
  const base = { platform: client.platform, deviceFamily: client.deviceFamily, caps: node.caps };
  const { declared, effective } = effectiveCommands(config, { ...base, declared: node.commands, approved: approved ?? [] });
  let allowlist: Set<string> | undefined;
  const check = (command: string) => commandAllowed(command, effective, (allowlist ??= nodeAllowlist(config, { ...base, commands: effective, approvedCommands: effective })));
  return { config, declared, effective, check };
}

/** An iOS foreground-only command refused because the app is in the background: queued instead. */
function queuesUntilForeground(platform: string | undefined, command: string, error: { code?: string; message?: string }): boolean {
  const p = (platform ?? "").trim().toLowerCase();
  if (!p.startsWith("ios") && !p.startsWith("ipados")) return false;
  if (!command.startsWith("camera.") && !command.startsWith("screen.") && !command.startsWith("talk.")) return false;
  return error.code?.trim().toUpperCase() === "NODE_BACKGROUND_UNAVAILABLE" || (error.message ?? "").toUpperCase().includes("BACKGROUND_UNAVAILABLE");
}

/** One command for one node, as the method and other features (the agent's canvas tool) ask for it. */
export type NodeInvokeRequest = z.infer<typeof InvokeParams>;

/** What a successful invoke answers. */
export interface NodeInvokeAnswer {
  ok: true;
  nodeId: string;
  command: string;
  payload: unknown;
  payloadJSON: string | null;
}

/** The one checked path to a node command: the reference's gates, then request → the node → result. */
export async function invokeNode(ctx: NodesContext, p: NodeInvokeRequest, callerScopes: readonly string[]): Promise<NodeInvokeAnswer> {
  const { registry } = ctx;
  const nodeId = p.nodeId.trim();
  const command = p.command.trim();
  if (!nodeId || !command) throw new GatewayError("INVALID_REQUEST", "nodeId and command required");
  if (PRIVATE_NODE_COMMANDS.has(command)) throw new GatewayError("INVALID_REQUEST", "node.invoke does not allow private node controls", { details: { command } });
  if (command === "system.execApprovals.get" || command === "system.execApprovals.set") {
    throw new GatewayError("INVALID_REQUEST", "node.invoke does not allow system.execApprovals.*; use exec.approvals.node.*", { details: { command } });
  }
  if (command === "agent.cli.claude.run.v1") throw new GatewayError("INVALID_REQUEST", "node.invoke does not allow Claude agent runs; use sessions.catalog.continue", { details: { command } });
  if (ADMIN_ONLY.has(command) && !callerScopes.includes("operator.admin")) throw missingScope("operator.admin");

  const paired = (await ctx.devices.store()).getPaired(nodeId);
  if (!paired || !(paired.roles ?? []).includes("node")) throw pairingChanged();
  const node = registry.get(nodeId);
  if (!node) {
    throw new GatewayError("UNAVAILABLE", "node not connected", { details: { code: "NOT_CONNECTED", nodeError: { code: "NOT_CONNECTED", message: "node not connected" }, nodeCommandDispatched: false } });
  }
  const live = liveCommands(ctx, node, paired.nodeSurface?.commands);
  const client = node.client.connect.client;
  const verdict = live.check(command);
  if (!verdict.ok) {
    throw new GatewayError("INVALID_REQUEST", rejectionHint(verdict.reason, command, client.platform ?? "unknown", live.declared, live.config), { details: { reason: verdict.reason, command } });
  }

  // A system.run carries only its own fields and a run id (given or minted), so the node's exec.* events can
  // be matched to it; approval overrides are refused (system-run.ts).
  let forwarded = p.params;
  let systemRun: { runId: string; sessionKey?: string; timeoutMs?: number } | undefined;
  if (command === "system.run") {
    const run = systemRunParams(p.params);
    if (!run.ok) throw new GatewayError("INVALID_REQUEST", run.message, { details: run.details });
    forwarded = run.params;
    if (run.runId) systemRun = { runId: run.runId, sessionKey: run.sessionKey, timeoutMs: run.timeoutMs };
  }
  const onSent = systemRun ? () => ctx.exec.remember({ nodeId, connId: node.connId, ...systemRun! }) : undefined;
  const outcome = await registry.invoke(node, { command, params: forwarded, timeoutMs: p.timeoutMs, idempotencyKey: p.idempotencyKey, sessionKey: p.sessionKey }, onSent);
  if (!outcome.ok) {
    if (queuesUntilForeground(client.platform, command, outcome.error)) {
      const queued = ctx.actions.enqueue(nodeId, { command, paramsJSON: forwarded === undefined ? undefined : JSON.stringify(forwarded), idempotencyKey: p.idempotencyKey });
      ctx.log.info(`node pending queued node=${nodeId} command=${command} queuedId=${queued.action.id} wakePath=no-registration wakeAvailable=false`);
      throw new GatewayError("UNAVAILABLE", "node command queued until iOS returns to foreground", {
        retryable: true,
        details: { code: "QUEUED_UNTIL_FOREGROUND", queuedActionId: queued.action.id, nodeId, command, wake: { path: "no-registration", available: false, throttled: false }, nodeError: outcome.error ?? null },
      });
    }
    const code = outcome.error.code?.trim();
    const message = outcome.error.message?.trim() || "node invoke failed";
    throw new GatewayError("UNAVAILABLE", code ? `${code}: ${message}` : message, { details: { nodeError: outcome.error, nodeCommandDispatched: true } });
  }
  return { ok: true, nodeId, command, payload: outcome.payload, payloadJSON: outcome.payloadJSON };
}

export function invokeMethods(ctx: NodesContext): MethodFamily {
  const { registry } = ctx;
  return {
    "node.invoke": async (params, { caller }) => invokeNode(ctx, parseParams("node.invoke", InvokeParams, params), caller.scopes),

    // Streamed output of a running invoke: this gateway forwards no invoke streams, so a valid chunk is
    // acknowledged as ignored (the reference's answer when no stream waits for it).
    "node.invoke.progress": async (params, { caller }) => {
      const p = parseParams("node.invoke.progress", ProgressParams, params);
      if (caller.deviceId && caller.deviceId !== p.nodeId) throw new GatewayError("INVALID_REQUEST", "nodeId mismatch");
      if (Buffer.byteLength(p.chunk, "utf8") > MAX_PROGRESS_CHUNK_BYTES) throw new GatewayError("INVALID_REQUEST", "progress chunk too large");
      return { ok: true, ignored: true };
    },

    "node.invoke.result": async (params, { caller }) => {
      const raw = { ...(params as Record<string, unknown>) };
      if (raw.payloadJSON === null) delete raw.payloadJSON;
      if (raw.error === null) delete raw.error;
      const p = parseParams("node.invoke.result", ResultParams, raw);
      if (caller.deviceId && caller.deviceId !== p.nodeId) throw new GatewayError("INVALID_REQUEST", "nodeId mismatch");
      let payload = p.payload;
      if (payload === undefined && p.payloadJSON !== undefined) {
        try {
          payload = JSON.parse(p.payloadJSON);
        } catch {
          payload = p.payloadJSON;
        }
      }
      const outcome = p.ok ? { ok: true as const, payload, payloadJSON: p.payloadJSON ?? null } : { ok: false as const, error: p.error ?? {} };
      if (!registry.result(p.id, p.nodeId, caller.connId, outcome)) return { ok: true, ignored: true };
      return { ok: true };
    },
  };
}
