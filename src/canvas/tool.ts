// The agent's `canvas` tool (the reference's, from its Canvas plugin): present, hide or navigate the widget
// panel of a paired macOS node by sending it `canvas.present` / `canvas.hide` / `canvas.navigate` through the
// same checked node.invoke path operators use. Offered to the model only while such a node is connected.
import type { ToolDefinition, ToolResult } from "../agents/tools/types.ts";
import type { NodesService, NodeSummary } from "../nodes/surface.ts";

/** The reference's wait for a node's answer to a canvas command. */
const DEFAULT_TIMEOUT_MS = 30_000;
const MAX_TIMEOUT_MS = 120_000;
/** A URL or hosted path longer than this is refused before any node sees it. */
const MAX_URL_CHARS = 4096;
const PRESENT = "canvas.present";

export interface CanvasToolDeps {
  nodes: NodesService;
  /** The canvas host switch: off means no canvas tool either (the reference disables them together). */
  enabled(): boolean;
}

const number = { type: "number" } as const;

/** The reference's eligibility: a connected macOS node that declares canvas.present. */
export function eligibleCanvasNodes(nodes: readonly NodeSummary[]): NodeSummary[] {
  return nodes.filter((node) => /^macos(?:\s|$)/i.test(node.platform) && node.commands.includes(PRESENT));
}

function pickNode(nodes: NodeSummary[], query: string | undefined): NodeSummary | string {
  const ids = nodes.map((n) => n.nodeId).join(", ") || "none";
  if (query) {
    const q = query.trim().toLowerCase();
    const found = nodes.filter((n) => n.nodeId.toLowerCase() === q || n.displayName?.toLowerCase() === q);
    if (found.length === 1) return found[0]!;
    return found.length === 0
      ? `node "${query}" is not an eligible canvas panel (a connected macOS node declaring ${PRESENT}; eligible node ids: ${ids})`
      : `node "${query}" names several canvas panels; pass the node id: ${ids}`;
  }
  if (nodes.length === 1) return nodes[0]!;
  return nodes.length === 0 ? `no eligible canvas panel (a connected macOS node declaring ${PRESENT})` : `several canvas panels are connected; pass node: ${ids}`;
}

function text(value: unknown, key: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new Error(`${key} must be a string`);
  const trimmed = value.trim();
  if (trimmed.length > MAX_URL_CHARS) throw new Error(`${key} is longer than ${MAX_URL_CHARS} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(trimmed)) throw new Error(`${key} contains control characters`);
  return trimmed || undefined;
}

const fail = (message: string): ToolResult => ({ text: message, isError: true, details: { status: "error" } });

/** The tool definition the agents' toolbox registers. */
export function canvasTool(deps: CanvasToolDeps): ToolDefinition {
  return {
    name: "canvas",
    description: "Present, hide, or navigate the widget panel on a paired macOS node. Targets are hosted canvas paths (/__openclaw__/canvas/...) or the app's own URLs.",
    parameters: {
      type: "object",
      properties: {
        action: { type: "string", enum: ["present", "hide", "navigate"] },
        node: { type: "string", description: "Node id or display name; optional when one canvas node is connected." },
        target: { type: "string", description: "present: the document to show (a hosted canvas path)." },
        url: { type: "string", description: "navigate: the document to show (a hosted canvas path)." },
        x: number,
        y: number,
        width: number,
        height: number,
        timeoutMs: { type: "integer", minimum: 1 },
      },
      required: ["action"],
    },
    offered: () => deps.enabled() && eligibleCanvasNodes(deps.nodes.connected()).length > 0,
    async run(args, ctx) {
      let command: string;
      let params: Record<string, unknown> | undefined;
      let url: string | undefined;
      try {
        const action = args.action;
        if (action === "present") {
          url = text(args.target, "target") ?? text(args.url, "url");
          const placement = Object.fromEntries(["x", "y", "width", "height"].filter((k) => typeof args[k] === "number" && Number.isFinite(args[k])).map((k) => [k, args[k]]));
          params = { ...(url ? { url } : {}), ...(Object.keys(placement).length ? { placement } : {}) };
          command = PRESENT;
        } else if (action === "hide") {
          command = "canvas.hide";
        } else if (action === "navigate") {
          url = text(args.url, "url") ?? text(args.target, "target");
          if (!url) return fail("url is required for navigate");
          params = { url };
          command = "canvas.navigate";
        } else {
          return fail(`Unknown action: ${String(action)} (present, hide or navigate)`);
        }
      } catch (error) {
        return fail((error as Error).message);
      }
      const node = pickNode(eligibleCanvasNodes(deps.nodes.connected()), typeof args.node === "string" ? args.node : undefined);
      if (typeof node === "string") return fail(node);
      const asked = typeof args.timeoutMs === "number" && Number.isInteger(args.timeoutMs) && args.timeoutMs > 0 ? args.timeoutMs : DEFAULT_TIMEOUT_MS;
      try {
        await deps.nodes.invoke({
          nodeId: node.nodeId,
          command,
          params,
          timeoutMs: Math.min(asked, MAX_TIMEOUT_MS),
          idempotencyKey: crypto.randomUUID(),
          sessionKey: ctx.sessionKey,
        });
      } catch (error) {
        return fail(`${command} failed on node ${node.nodeId}: ${(error as Error)?.message ?? String(error)}`);
      }
      const result = { ok: true, node: node.nodeId, ...(url ? { url } : {}) };
      return { text: JSON.stringify(result), details: result };
    },
  };
}
