// `agents.list`: the configured agents and the default id, in the reference's AgentsListResult shape
// (`defaultId`, `mainKey`, `scope`, `agents[]` of AgentSummary). The reference CLI calls it before every
// `openclaw agent` that names no `--agent`.
import type { AgentsConfig } from "./config.ts";

type ModelChoice = string | { primary: string; fallbacks?: string[] } | undefined;

/** The session each agent's bare "main" key maps to (keys.ts builds `agent:<id>:main`). */
const MAIN_KEY = "main";

function modelSummary(choice: ModelChoice): { primary: string; fallbacks?: string[] } | undefined {
  if (!choice) return undefined;
  if (typeof choice === "string") return { primary: choice };
  return choice.fallbacks?.length ? { primary: choice.primary, fallbacks: [...choice.fallbacks] } : { primary: choice.primary };
}

/** The roster: default agent first, the rest by id; each with its effective model where one is configured. */
export function agentsRoster(cfg: AgentsConfig, sessionScope: unknown): Record<string, unknown> {
  const ids = Object.keys(cfg.agents).filter((id) => id !== cfg.defaultAgentId).sort((a, b) => a.localeCompare(b));
  const agents = [cfg.defaultAgentId, ...ids].map((id) => {
    const entry = Object.entries(cfg.raw.entries).find(([key]) => key.toLowerCase() === id)?.[1] ?? undefined;
    const out: Record<string, unknown> = { id };
    const name = entry?.name?.trim();
    if (name) out.name = name;
    const workspace = entry?.workspace?.trim();
    if (workspace) out.workspace = workspace;
    const model = modelSummary(entry?.model ?? cfg.raw.defaults?.model);
    if (model) out.model = model;
    return out;
  });
  // `session.scope` is the reference's key; only its two values are meaningful, anything else reads as the default.
  const scope = sessionScope === "global" ? "global" : "per-sender";
  return { defaultId: cfg.defaultAgentId, mainKey: MAIN_KEY, scope, agents };
}
