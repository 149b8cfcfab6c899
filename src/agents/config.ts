// The agents' view of the config: `models.providers.*`, `agents.*` and the HTTP endpoint toggles, validated
// here with our own schemas (the config loader keeps these sections loose) and resolved per request.
import type { z } from "zod";
import type { ConfigSnapshot } from "../config/load.ts";
import { isSecretRef, type SecretRef } from "../config/secret-ref.ts";

export const PROVIDER_APIS = ["openai-completions", "openai-responses", "anthropic-messages"] as const;
export type ProviderApi = (typeof PROVIDER_APIS)[number];
export const DEFAULT_AGENT_ID = "main";
export const DEFAULT_MAX_CONCURRENT = 8;

// The schemas are built on the first config that has a `models` or `agents` section: a gateway without agents
// configured never loads zod at start (BENCHMARKS.md: zod's schemas cost ~5 MB and ~14 ms there).
function buildSchemas() {
  const { z } = require("../platform/zod.ts") as typeof import("../platform/zod.ts");
  const ModelEntry = z
    .object({
      id: z.string().min(1),
      name: z.string().optional(),
      contextWindow: z.number().int().positive().optional(),
      maxTokens: z.number().int().positive().optional(),
    })
    .loose();

  const Provider = z
    .object({
      baseUrl: z.string().url(),
      // A plaintext key or a SecretRef; the ref's value is read from the gateway's secrets snapshot per call.
      apiKey: z.union([z.string(), z.custom<SecretRef>(isSecretRef, "a string or a SecretRef {source, provider?, id}")]).optional(),
      api: z.enum(PROVIDER_APIS).optional(),
      headers: z.record(z.string(), z.string()).optional(),
      timeoutSeconds: z.number().positive().optional(),
      maxRetries: z.number().int().min(0).max(10).optional(),
      models: z.array(ModelEntry).optional(),
    })
    .loose();

  const ModelChoice = z.union([
    z.string().min(1),
    z.object({ primary: z.string().min(1), fallbacks: z.array(z.string().min(1)).optional() }).loose(),
  ]);

  const AgentEntry = z
    .object({
      name: z.string().optional(),
      model: ModelChoice.optional(),
      systemPrompt: z.string().optional(),
      workspace: z.string().optional(),
    })
    .loose();

  const AgentsSection = z
    .object({
      defaults: z
        .object({
          model: ModelChoice.optional(),
          maxConcurrent: z.number().int().positive().optional(),
          systemPrompt: z.string().optional(),
          workspace: z.string().optional(),
          timeoutSeconds: z.number().positive().optional(),
          memorySearch: z.object({ provider: z.string().optional(), model: z.string().optional() }).loose().optional(),
        })
        .loose()
        .optional(),
      entries: z.record(z.string(), AgentEntry.nullable()).optional(),
    })
    .loose();

  const ModelsSection = z.object({ providers: z.record(z.string(), Provider).optional() }).loose();
  return { ModelEntry, Provider, AgentEntry, AgentsSection, ModelsSection };
}
type Schemas = ReturnType<typeof buildSchemas>;
let built: Schemas | undefined;
const schemas = (): Schemas => (built ??= buildSchemas());

export type ProviderConfig = z.infer<Schemas["Provider"]>;
export type ModelEntryConfig = z.infer<Schemas["ModelEntry"]>;

/** One model to call: the provider entry it belongs to and the model id on that provider's wire. */
export interface ModelTarget {
  ref: string;
  providerId: string;
  modelId: string;
  provider: ProviderConfig & { api: ProviderApi };
  entry?: ModelEntryConfig;
}

export interface AgentInfo {
  id: string;
  name: string;
  systemPrompt?: string;
  workspace?: string;
}

/**
 * A config problem that stops a run; the message names the key to set. `kind` picks the HTTP status: the
 * server's own gaps (`no-provider`, `invalid`) are 503, a model or agent the request named is 400.
 */
export class AgentConfigError extends Error {
  override readonly name = "AgentConfigError";
  constructor(
    message: string,
    readonly kind: "no-provider" | "invalid" | "unknown-agent" | "unknown-model",
  ) {
    super(message);
  }
}

/** The validated agents/models config of one snapshot (cached per snapshot hash). */
export interface AgentsConfig {
  providers: Record<string, ProviderConfig>;
  agents: Record<string, AgentInfo>;
  defaultAgentId: string;
  maxConcurrent: number;
  timeoutSeconds: number;
  /** Schema problems, worded `<key path>: <message>`; a run refuses while any exist. */
  problems: string[];
  raw: { defaults: z.infer<Schemas["AgentsSection"]>["defaults"]; entries: Record<string, z.infer<Schemas["AgentEntry"]> | null> };
}

const cache = new WeakMap<ConfigSnapshot, AgentsConfig>();

export function agentsConfig(snapshot: ConfigSnapshot): AgentsConfig {
  const hit = cache.get(snapshot);
  if (hit) return hit;
  const config = snapshot.config as Record<string, unknown>;
  const problems: string[] = [];
  // An absent section parses to `{}` (every key optional): no schema needed for it.
  const models = config.models === undefined ? { success: true as const, data: {} as z.infer<Schemas["ModelsSection"]> } : schemas().ModelsSection.safeParse(config.models);
  if (!models.success) problems.push(...issues("models", models.error));
  const agents = config.agents === undefined ? { success: true as const, data: {} as z.infer<Schemas["AgentsSection"]> } : schemas().AgentsSection.safeParse(config.agents);
  if (!agents.success) problems.push(...issues("agents", agents.error));
  const providers = models.success ? (models.data.providers ?? {}) : {};
  const defaults = agents.success ? agents.data.defaults : undefined;
  const entries = agents.success ? (agents.data.entries ?? {}) : {};
  const infos: Record<string, AgentInfo> = { [DEFAULT_AGENT_ID]: { id: DEFAULT_AGENT_ID, name: DEFAULT_AGENT_ID } };
  for (const [id, entry] of Object.entries(entries)) {
    if (!/^[a-z0-9][a-z0-9_-]{0,63}$/i.test(id)) {
      problems.push(`agents.entries.${id}: agent ids use letters, digits, '-' and '_' (max 64)`);
      continue;
    }
    infos[id.toLowerCase()] = {
      id: id.toLowerCase(),
      name: entry?.name ?? id,
      systemPrompt: entry?.systemPrompt ?? defaults?.systemPrompt,
      workspace: entry?.workspace ?? defaults?.workspace,
    };
  }
  if (!infos[DEFAULT_AGENT_ID]!.systemPrompt && defaults?.systemPrompt) infos[DEFAULT_AGENT_ID]!.systemPrompt = defaults.systemPrompt;
  infos[DEFAULT_AGENT_ID]!.workspace ??= defaults?.workspace;
  const result: AgentsConfig = {
    providers,
    agents: infos,
    defaultAgentId: DEFAULT_AGENT_ID,
    maxConcurrent: defaults?.maxConcurrent ?? DEFAULT_MAX_CONCURRENT,
    timeoutSeconds: defaults?.timeoutSeconds ?? 600,
    problems,
    raw: { defaults, entries },
  };
  cache.set(snapshot, result);
  return result;
}

function issues(section: string, error: z.ZodError): string[] {
  return error.issues.map((issue) => `${[section, ...issue.path.map(String)].join(".")}: ${issue.message}`);
}

/** Looks an agent up by id (case-insensitive); unknown ids are refused with the key that would define them. */
export function resolveAgent(cfg: AgentsConfig, agentId: string | undefined): AgentInfo {
  const id = (agentId ?? cfg.defaultAgentId).trim().toLowerCase() || cfg.defaultAgentId;
  const agent = cfg.agents[id];
  if (!agent) throw new AgentConfigError(`unknown agent id "${id}" (define it under agents.entries.${id})`, "unknown-agent");
  return agent;
}

/** The primary model and its fallbacks for an agent, or one explicit override (`provider/model` or a bare id). */
export function modelChain(cfg: AgentsConfig, agentId: string, override?: string): ModelTarget[] {
  if (cfg.problems.length > 0) throw new AgentConfigError(`invalid agents/models config: ${cfg.problems.join("; ")}`, "invalid");
  if (Object.keys(cfg.providers).length === 0) {
    throw new AgentConfigError(
      'No model provider is configured: set models.providers.<id> (baseUrl, apiKey, api) and agents.defaults.model (e.g. "openai/gpt-4o-mini").',
      "no-provider",
    );
  }
  if (override) return [resolveModelRef(cfg, override, "x-openclaw-model", "unknown-model")];
  const entryChoice = cfg.raw.entries[agentId]?.model;
  const choice = entryChoice ?? cfg.raw.defaults?.model;
  const key = entryChoice ? `agents.entries.${agentId}.model` : "agents.defaults.model";
  if (!choice) {
    throw new AgentConfigError(`No model is configured for agent "${agentId}": set agents.defaults.model (e.g. "provider/model").`, "no-provider");
  }
  const refs = typeof choice === "string" ? [choice] : [choice.primary, ...(choice.fallbacks ?? [])];
  return refs.map((ref) => resolveModelRef(cfg, ref, key));
}

/** `provider/model` (split at the first '/'), or a bare id found in exactly one provider's `models[]`. */
export function resolveModelRef(cfg: AgentsConfig, ref: string, key: string, kind: "no-provider" | "unknown-model" = "no-provider"): ModelTarget {
  const slash = ref.indexOf("/");
  if (slash > 0) {
    const providerId = ref.slice(0, slash);
    const modelId = ref.slice(slash + 1);
    const provider = cfg.providers[providerId];
    if (provider && modelId) return target(providerId, modelId, provider);
  }
  for (const [providerId, provider] of Object.entries(cfg.providers)) {
    if (provider.models?.some((m) => m.id === ref)) return target(providerId, ref, provider);
  }
  const known = Object.keys(cfg.providers).join(", ");
  throw new AgentConfigError(
    `${key} "${ref}" names no configured provider: use "<provider>/<model>" with a provider under models.providers (configured: ${known})`,
    kind,
  );
}

function target(providerId: string, modelId: string, provider: ProviderConfig): ModelTarget {
  return {
    ref: `${providerId}/${modelId}`,
    providerId,
    modelId,
    provider: { ...provider, api: provider.api ?? "openai-completions" },
    entry: provider.models?.find((m) => m.id === modelId),
  };
}

/** The embedding model: an explicit override, else `agents.defaults.memorySearch.{provider,model}`. */
export function embeddingTarget(cfg: AgentsConfig, override?: string): ModelTarget {
  if (Object.keys(cfg.providers).length === 0) {
    throw new AgentConfigError("No model provider is configured: set models.providers.<id> and agents.defaults.memorySearch.model.", "no-provider");
  }
  if (override) return resolveModelRef(cfg, override, "x-openclaw-model", "unknown-model");
  const search = cfg.raw.defaults?.memorySearch;
  if (!search?.model) {
    throw new AgentConfigError(
      'No embedding model is configured: set agents.defaults.memorySearch.model (e.g. "openai/text-embedding-3-small") or send x-openclaw-model.',
      "no-provider",
    );
  }
  return resolveModelRef(cfg, search.provider && !search.model.includes("/") ? `${search.provider}/${search.model}` : search.model, "agents.defaults.memorySearch.model");
}

/** Every configured model, for `models.list` and the CLI. */
export function listModels(cfg: AgentsConfig): Array<{ id: string; name: string; provider: string; api: ProviderApi; contextWindow?: number; maxTokens?: number }> {
  const out = [];
  for (const [providerId, provider] of Object.entries(cfg.providers)) {
    for (const m of provider.models ?? []) {
      out.push({ id: m.id, name: m.name ?? m.id, provider: providerId, api: provider.api ?? "openai-completions", contextWindow: m.contextWindow, maxTokens: m.maxTokens });
    }
  }
  return out;
}

/** `gateway.http.endpoints.<name>.enabled`, read hot from the current snapshot. */
export function endpointEnabled(snapshot: ConfigSnapshot, name: "chatCompletions" | "responses"): boolean {
  return snapshot.config.gateway?.http?.endpoints?.[name]?.enabled === true;
}
