// What every agents RPC file shares: the service they reach, error mapping, and the session defaults.
import { AgentConfigError, resolveAgent } from "./config.ts";
import type { RunManager, RunStartHook } from "./runs.ts";
import type { SessionStore } from "./store.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { Approvals } from "./tools/approvals.ts";
import type { Toolbox } from "./tools/toolbox.ts";
import type { ToolDefinition } from "./tools/types.ts";
import type { SessionSubscriptions } from "./subscriptions.ts";
import type { ChannelDelivery } from "./delivery-types.ts";

export type { ChannelDelivery, DeliveryStatus, DeliveryTarget, RoutedTarget } from "./delivery-types.ts";

/** What the methods reach: the run manager, the (lazily opened) store, subscriptions, pending approvals, chat delivery. */
export interface AgentsService {
  runs: RunManager;
  store(): SessionStore;
  subscriptions: SessionSubscriptions;
  approvals: Approvals;
  tools: Toolbox;
  /** Offers the agent a tool another feature defines, built when the toolbox is (the canvas tool). */
  addTool(make: () => ToolDefinition): void;
  /** Shapes every newly admitted run (automations' queued wakes), installed before or after the run manager exists. */
  useStartHook(hook: RunStartHook): void;
  /** Set by the composition (src/features.ts) when channels are mounted; agents never import them. */
  delivery?: ChannelDelivery;
  /** Set by the composition when nodes are mounted: node connections that follow a session's chat (chat.subscribe). */
  nodeChat?: { follows(connId: string, sessionKey: string): boolean; any(): boolean };
}

/** Config and store failures as protocol errors; the message keeps the config key to set. */
export function gatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof AgentConfigError) {
    if (error.kind === "unknown-agent") return new GatewayError("INVALID_REQUEST", error.message, { details: { code: "UNKNOWN_AGENT_ID" } });
    if (error.kind === "unknown-model") return new GatewayError("INVALID_REQUEST", error.message);
    return new GatewayError("UNAVAILABLE", error.message, { retryable: false });
  }
  return new GatewayError("UNAVAILABLE", (error as Error)?.message ?? String(error), { retryable: true });
}

export function openStore(service: AgentsService): SessionStore {
  try {
    return service.store();
  } catch (error) {
    throw gatewayError(error);
  }
}


/** `sessions.list.defaults`: the default agent's primary model, when one is configured. */
export function defaults(runs: RunManager): Record<string, unknown> {
  const cfg = runs.config;
  const choice = cfg.raw.defaults?.model;
  const ref = typeof choice === "string" ? choice : choice?.primary;
  const slash = ref?.indexOf("/") ?? -1;
  const provider = ref && slash > 0 ? ref.slice(0, slash) : null;
  const model = ref ? (slash > 0 ? ref.slice(slash + 1) : ref) : null;
  const entry = provider ? cfg.providers[provider]?.models?.find((m) => m.id === model) : undefined;
  resolveAgent(cfg, cfg.defaultAgentId);
  return { modelProvider: provider, model, contextTokens: entry?.contextWindow ?? null };
}
