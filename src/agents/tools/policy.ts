// Tool policy: which tools an agent may call. `tools.allow` / `tools.deny` apply to every agent,
// `agents.entries.<id>.tools.allow` / `.deny` narrow one agent further. Deny wins; an allow list, when given,
// admits only what it names. Entries are tool names, `*`, or groups (`group:fs`, `group:runtime`).

export const TOOL_GROUPS: Record<string, readonly string[]> = {
  "group:fs": ["read", "write", "edit", "apply_patch", "ls", "find", "grep"],
  "group:runtime": ["exec", "process"],
  "group:messaging": ["message"],
};

function expand(list: unknown): Set<string> | undefined {
  if (!Array.isArray(list)) return undefined;
  const out = new Set<string>();
  for (const item of list) {
    if (typeof item !== "string") continue;
    const name = item.trim().toLowerCase();
    for (const member of TOOL_GROUPS[name] ?? [name]) out.add(member);
  }
  return out;
}

function admits(layer: { allow?: unknown; deny?: unknown } | undefined, tool: string): boolean {
  if (!layer) return true;
  const deny = expand(layer.deny);
  if (deny && (deny.has(tool) || deny.has("*"))) return false;
  const allow = expand(layer.allow);
  return !allow || allow.has(tool) || allow.has("*");
}

/** True when the config lets this agent call this tool. */
export function toolAllowed(config: Record<string, any>, agentId: string, tool: string): boolean {
  const entry = Object.entries(config.agents?.entries ?? {}).find(([id]) => id.toLowerCase() === agentId)?.[1] as any;
  return admits(config.tools, tool) && admits(entry?.tools, tool);
}
