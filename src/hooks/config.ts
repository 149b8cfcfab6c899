// The hooks' view of the config (`hooks.*`, kept loose by the config schema): validated here with zod and
// resolved once per snapshot, so every request reads the current config (hot) without re-parsing it.
import type { ConfigSnapshot } from "../config/load.ts";

export const DEFAULT_HOOKS_PATH = "/hooks";
/** Body cap of the reference's generic hooks (256 KiB) and its body-read timeout. */
export const MAX_BODY_BYTES = 256 * 1024;
export const BODY_TIMEOUT_MS = 30_000;
/** forEach fan-out cap (reference: excess items are dropped with a warning). */
export const MAX_FOREACH_ITEMS = 200;

// Built on the first config with a `hooks` section: without one, zod is not loaded at start.
function buildHooksSection() {
  const { z } = require("../platform/zod.ts") as typeof import("../platform/zod.ts");
  const Mode = z.enum(["now", "next-heartbeat"]);

  const Mapping = z
    .object({
      id: z.string().min(1).optional(),
      match: z.object({ path: z.string().optional(), source: z.string().optional() }).loose().optional(),
      action: z.enum(["agent", "wake"]).optional(),
      wakeMode: Mode.optional(),
      name: z.string().optional(),
      agentId: z.string().min(1).optional(),
      sessionKey: z.string().optional(),
      sessionMode: z.enum(["isolated", "persistent"]).optional(),
      messageTemplate: z.string().optional(),
      textTemplate: z.string().optional(),
      forEach: z.string().min(1).optional(),
      deliver: z.union([z.boolean(), z.string()]).optional(),
      channel: z.string().optional(),
      to: z.string().optional(),
      model: z.string().optional(),
      thinking: z.string().optional(),
      timeoutSeconds: z.number().int().positive().optional(),
      allowUnsafeExternalContent: z.boolean().optional(),
      transform: z.object({ module: z.string(), export: z.string().optional() }).loose().optional(),
    })
    .loose();

  const HooksSection = z
    .object({
      enabled: z.boolean().optional(),
      // A plaintext token or a SecretRef (resolved by the gateway into its secrets snapshot).
      token: z.union([z.string(), z.object({ source: z.enum(["env", "file", "exec"]), provider: z.string().optional(), id: z.string().min(1) }).strict()]).optional(),
      path: z.string().optional(),
      allowedAgentIds: z.array(z.string()).optional(),
      defaultSessionKey: z.string().optional(),
      allowRequestSessionKey: z.boolean().optional(),
      allowedSessionKeyPrefixes: z.array(z.string()).optional(),
      presets: z.array(z.string()).optional(),
      mappings: z.array(Mapping).optional(),
    })
    .loose();
  return HooksSection;
}
let hooksSection: ReturnType<typeof buildHooksSection> | undefined;

export interface MappingResolved {
  id: string;
  /** Sub-path after `hooks.path`, slashes trimmed; undefined matches any custom path. */
  matchPath?: string;
  matchSource?: string;
  action: "agent" | "wake";
  wakeMode: "now" | "next-heartbeat";
  name?: string;
  agentId?: string;
  sessionKey?: string;
  sessionMode: "isolated" | "persistent";
  messageTemplate: string;
  textTemplate: string;
  forEach?: string;
  /** Only `false` opts out of announcing the reply; `channel` defaults to "last" and `to` is a template. */
  deliver: boolean;
  channel?: string;
  to?: string;
  model?: string;
  timeoutSeconds?: number;
  allowUnsafeExternalContent: boolean;
  transform?: { module: string; export?: string };
}

export interface HooksResolved {
  /** False when `hooks.enabled` is not true, or the section is unusable (see `problems`). */
  enabled: boolean;
  /** Normalized base path (leading slash, no trailing slash); the default when the configured one is unusable. */
  basePath: string;
  token?: string;
  /** True when `hooks.token` is a SecretRef: the token then comes from the gateway's secrets snapshot. */
  tokenRef?: boolean;
  mappings: MappingResolved[];
  /** undefined: every agent; an empty set: none ("*" in the list allows all). */
  allowedAgentIds?: Set<string>;
  defaultSessionKey?: string;
  allowRequestSessionKey: boolean;
  /** Lower-cased; undefined when unrestricted (absent, empty or all blank). */
  allowedSessionKeyPrefixes?: string[];
  /** Why hooks stay off although enabled, worded `<key>: <message>`. */
  problems: string[];
  /** Config that loads but does less than asked (logged once per snapshot). */
  warnings: string[];
}

const cache = new WeakMap<ConfigSnapshot, HooksResolved>();

/** `hooks.*` of one snapshot, validated and resolved (cached per snapshot). */
export function hooksConfig(snapshot: ConfigSnapshot): HooksResolved {
  const hit = cache.get(snapshot);
  if (hit) return hit;
  const resolved = resolve((snapshot.config as Record<string, unknown>).hooks);
  cache.set(snapshot, resolved);
  return resolved;
}

export function normalizeBasePath(raw: string | undefined): string | undefined {
  const value = raw?.trim() || DEFAULT_HOOKS_PATH;
  const withSlash = value.startsWith("/") ? value : `/${value}`;
  const trimmed = withSlash.replace(/\/+$/, "");
  return trimmed === "" ? undefined : trimmed;
}

/** A mapping's `match.path`, or a request's sub-path: without leading/trailing slashes. */
export function normalizeSubPath(raw: string): string {
  return raw.trim().replace(/^\/+/, "").replace(/\/+$/, "");
}

function resolve(raw: unknown): HooksResolved {
  const off: HooksResolved = { enabled: false, basePath: DEFAULT_HOOKS_PATH, mappings: [], allowRequestSessionKey: false, problems: [], warnings: [] };
  if (raw === undefined || raw === null) return off;
  const parsed = (hooksSection ??= buildHooksSection()).safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${["hooks", ...issue.path.map(String)].join(".")}: ${issue.message}`);
    const enabled = typeof raw === "object" && (raw as Record<string, unknown>).enabled === true;
    return { ...off, problems: enabled ? problems : [] };
  }
  const h = parsed.data;
  const problems: string[] = [];
  const basePath = normalizeBasePath(h.path);
  if (!basePath) problems.push("hooks.path: may not be '/'");
  const tokenRef = typeof h.token === "object";
  const token = typeof h.token === "string" ? h.token.trim() || undefined : undefined;
  if (h.enabled === true && !token && !tokenRef) problems.push("hooks.token: hooks.enabled requires hooks.token (a secret separate from the gateway token)");

  const allowed = h.allowedAgentIds?.map((id) => id.trim().toLowerCase()).filter(Boolean);
  const allowedAgentIds = h.allowedAgentIds === undefined || allowed?.includes("*") ? undefined : new Set(allowed);
  const prefixes = [...new Set((h.allowedSessionKeyPrefixes ?? []).map((p) => p.trim().toLowerCase()).filter(Boolean))];
  const allowedSessionKeyPrefixes = prefixes.length > 0 ? prefixes : undefined;
  const defaultSessionKey = h.defaultSessionKey?.trim() || undefined;
  if (allowedSessionKeyPrefixes) {
    if (defaultSessionKey && !prefixAllowed(defaultSessionKey, allowedSessionKeyPrefixes)) {
      problems.push("hooks.defaultSessionKey: must match hooks.allowedSessionKeyPrefixes");
    }
    if (!defaultSessionKey && !prefixAllowed("hook:example", allowedSessionKeyPrefixes)) {
      problems.push("hooks.allowedSessionKeyPrefixes: must include 'hook:' when hooks.defaultSessionKey is unset");
    }
  }

  const mappings = (h.mappings ?? []).map((m, index): MappingResolved => ({
    id: m.id?.trim() || `mapping-${index}`,
    matchPath: m.match?.path !== undefined ? normalizeSubPath(m.match.path) || undefined : undefined,
    matchSource: m.match?.source?.trim() || undefined,
    action: m.action ?? "agent",
    wakeMode: m.wakeMode ?? "now",
    name: m.name,
    agentId: m.agentId?.trim().toLowerCase(),
    sessionKey: m.sessionKey?.trim() || undefined,
    sessionMode: m.sessionMode ?? "isolated",
    messageTemplate: m.messageTemplate ?? "",
    textTemplate: m.textTemplate ?? "",
    forEach: m.forEach,
    deliver: m.deliver !== false,
    channel: m.channel,
    to: m.to,
    model: m.model,
    timeoutSeconds: m.timeoutSeconds,
    allowUnsafeExternalContent: m.allowUnsafeExternalContent === true,
    transform: m.transform,
  }));
  mappings.forEach((m, index) => {
    // templates.ts loads only for a configured mapping with a session key (hooks off: never).
    if (m.sessionKey && !allowedSessionKeyPrefixes && (require("./templates.ts") as typeof import("./templates.ts")).hasTemplate(m.sessionKey)) {
      problems.push(`hooks.mappings.${index}.sessionKey: a templated sessionKey requires hooks.allowedSessionKeyPrefixes`);
    }
    if (m.sessionMode === "persistent" && !m.sessionKey && !defaultSessionKey) {
      problems.push(`hooks.mappings.${index}.sessionMode: persistent mappings need a stable sessionKey or hooks.defaultSessionKey`);
    }
    if (m.forEach !== undefined && (m.forEach.includes(".") || m.forEach.includes("[") || UNSAFE_KEYS.has(m.forEach))) {
      problems.push(`hooks.mappings.${index}.forEach: must name a top-level payload key`);
    }
  });
  const warnings: string[] = [];
  for (const preset of h.presets ?? []) {
    if (preset === "gmail") warnings.push('hooks.presets: the "gmail" preset is not available in this build (it adds no mapping)');
  }
  mappings.forEach((m, index) => {
    if (m.transform) warnings.push(`hooks.mappings.${index}.transform: transforms are not supported in this build (requests it matches answer 500)`);
  });

  const enabled = h.enabled === true && problems.length === 0;
  return {
    enabled,
    basePath: basePath ?? DEFAULT_HOOKS_PATH,
    token,
    tokenRef,
    mappings,
    allowedAgentIds,
    defaultSessionKey,
    allowRequestSessionKey: h.allowRequestSessionKey === true,
    allowedSessionKeyPrefixes,
    problems: h.enabled === true ? problems : [],
    warnings: h.enabled === true ? warnings : [],
  };
}

export const UNSAFE_KEYS = new Set(["__proto__", "prototype", "constructor"]);

/** Case-insensitive prefix allowlist check. */
export function prefixAllowed(sessionKey: string, prefixes: string[]): boolean {
  const key = sessionKey.trim().toLowerCase();
  return key !== "" && prefixes.some((prefix) => key.startsWith(prefix));
}
