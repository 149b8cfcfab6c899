// Session keys are `agent:<agentId>:<rest>`; a bare key belongs to the default (or given) agent.
import { DEFAULT_AGENT_ID } from "./config.ts";

const RESERVED = ["subagent:", "cron:", "acp:"];

export interface ParsedKey {
  key: string;
  agentId: string;
  rest: string;
}

/** Canonical key for a caller's key (or the agent's main session when none is given). */
export function canonicalKey(raw: string | undefined, agentId: string = DEFAULT_AGENT_ID): ParsedKey {
  const value = raw?.trim();
  if (!value || value === "main") return { key: `agent:${agentId}:main`, agentId, rest: "main" };
  const match = /^agent:([^:]+):(.+)$/i.exec(value);
  if (match) {
    const id = match[1]!.toLowerCase();
    return { key: `agent:${id}:${match[2]}`, agentId: id, rest: match[2]! };
  }
  return { key: `agent:${agentId}:${value}`, agentId, rest: value };
}

/** True when a key (bare or canonical) uses a namespace only the gateway itself may create. */
export function isReservedKey(raw: string): boolean {
  const rest = canonicalKey(raw).rest.toLowerCase();
  const bare = raw.trim().toLowerCase();
  return RESERVED.some((prefix) => rest.startsWith(prefix) || bare.startsWith(prefix));
}
