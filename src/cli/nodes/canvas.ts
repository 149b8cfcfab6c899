// `openclaw nodes canvas present|hide|navigate --node <idOrNameOrIp>` (the reference's Canvas plugin CLI): the
// widget panel of a paired node, driven through node.invoke with canvas.present / canvas.hide / canvas.navigate.
import { defineCommand, type CommandContext } from "citty";
import { CliError } from "../context.ts";
import { parseTimeoutMs } from "../gateway/_rpc.ts";
import { required } from "../devices/_rpc.ts";
import { nodeArgs, runNodes } from "./_call.ts";
import { resolveNodeId, type NodeRow } from "./_resolve.ts";

const common = {
  node: { type: "string", description: "Node id, name, or IP", valueHint: "idOrNameOrIp" },
  "invoke-timeout": { type: "string", description: "Node invoke timeout in ms (default 30000)", valueHint: "ms" },
  ...nodeArgs,
} as const;

const placementArgs = {
  x: { type: "string", description: "Panel x position", valueHint: "px" },
  y: { type: "string", description: "Panel y position", valueHint: "px" },
  width: { type: "string", description: "Panel width", valueHint: "px" },
  height: { type: "string", description: "Panel height", valueHint: "px" },
} as const;

function placement(args: Record<string, unknown>): Record<string, number> | undefined {
  const out: Record<string, number> = {};
  for (const key of ["x", "y", "width", "height"]) {
    const raw = args[key];
    if (raw === undefined || raw === "") continue;
    const value = Number(raw);
    if (!Number.isFinite(value)) throw new CliError(`--${key} must be a number`);
    out[key] = value;
  }
  return Object.keys(out).length ? out : undefined;
}

/** Sends one canvas command to the node `--node` names; prints `{ok, node, url?}`. */
function send(context: CommandContext<any>, label: string, command: string, params: (args: Record<string, unknown>) => Record<string, unknown> | undefined) {
  const invokeTimeout = parseTimeoutMs(context.args["invoke-timeout"], 30_000, "--invoke-timeout");
  return runNodes(
    context,
    label,
    async (call, args) => {
      const invokeParams = params(args);
      const { nodes } = await call<{ nodes: NodeRow[] }>("node.list", {});
      const nodeId = resolveNodeId(nodes, required(args, "node", "--node"));
      await call("node.invoke", { nodeId, command, ...(invokeParams ? { params: invokeParams } : {}), idempotencyKey: crypto.randomUUID(), timeoutMs: invokeTimeout });
      return { ok: true, node: nodeId, ...(typeof invokeParams?.url === "string" ? { url: invokeParams.url } : {}) };
    },
    invokeTimeout + 10_000,
  );
}

export const present = defineCommand({
  meta: { name: "present", description: "Show the node's widget panel (optionally at a hosted document)" },
  args: { target: { type: "positional", required: false, description: "Hosted document path or app URL", valueHint: "url" }, ...placementArgs, ...common },
  run: (context) =>
    send(context, "canvas present", "canvas.present", (args) => {
      const target = typeof args.target === "string" && args.target.trim() ? args.target.trim() : undefined;
      const place = placement(args);
      return { ...(target ? { url: target } : {}), ...(place ? { placement: place } : {}) };
    }),
});

export const hide = defineCommand({
  meta: { name: "hide", description: "Hide the node's widget panel" },
  args: common,
  run: (context) => send(context, "canvas hide", "canvas.hide", () => undefined),
});

export const navigate = defineCommand({
  meta: { name: "navigate", description: "Navigate the node's widget panel to a hosted document" },
  // The positional is `target`: `--url` already names the gateway (nodeArgs).
  args: { target: { type: "positional", required: true, description: "Hosted document path or app URL", valueHint: "url" }, ...common },
  run: (context) =>
    send(context, "canvas navigate", "canvas.navigate", (args) => {
      const url = typeof args.target === "string" ? args.target.trim() : "";
      if (!url) throw new CliError("navigate needs a URL: openclaw nodes canvas navigate <url> --node <id>");
      return { url };
    }),
});
