import type { ConfigSnapshot } from "./load.ts";

/** What a changed key needs: `hot` applies in-process, `restart` needs a gateway restart, `none` only updates the snapshot. */
export type ReloadAction = "hot" | "restart" | "none";

/**
 * The reload table. The longest matching prefix wins; a path no rule matches needs a restart
 * (the reference's rule: unknown means unsafe).
 *
 * | prefix | action | why |
 * |---|---|---|
 * | `gateway` | restart | port, bind, auth mode, TLS, tailscale: the listener itself changes |
 * | `gateway.auth.token`, `gateway.auth.password` | hot | same auth mode, new secret; clients reconnect |
 * | `gateway.auth.rateLimit`, `.trustedProxy`, `.allowTailscale`, `.identityScopes` | hot | checked per attempt |
 * | `gateway.trustedProxies`, `gateway.allowRealIpFallback` | hot | checked per request |
 * | `gateway.http` | hot | endpoints and headers are read per request |
 * | `gateway.controlUi` | hot | origins and toggles are read per request |
 * | `gateway.controlUi.basePath`, `gateway.controlUi.root` | restart | routes are mounted at start |
 * | `gateway.reload` | hot | the watcher reads its mode on every change |
 * | `gateway.remote` | none | only clients read it |
 * | `gateway.publicOrigin`, `.tools`, `.nodes`, `.cliAgents`, `.terminal`, `.push`, `.roles` | hot | read on next use |
 * | `gateway.canvasHost`, `canvasHost`, `plugins.entries.canvas.config.host` | hot | the canvas host reads them per request |
 * | `gateway.canvasHost.port`, `canvasHost.port` | restart | the separate canvas listener opens at start |
 * | `logging` | hot | the logger reconfigures in place |
 * | `discovery` | restart | the beacon is rebuilt with the generation (an in-process restart is cheap) |
 * | `commands`, `agents`, `models`, `hooks`, `cron`, `session`, `messages`, `tools`, `skills`, `channels`, `ui`, `identity`, `bindings`, `env` | hot | owners re-read them |
 * | `$schema`, `meta`, `wizard` | none | metadata |
 */
export const RELOAD_RULES: Readonly<Record<string, ReloadAction>> = Object.freeze({
  gateway: "restart",
  "gateway.auth.token": "hot",
  "gateway.auth.password": "hot",
  "gateway.auth.rateLimit": "hot",
  "gateway.auth.trustedProxy": "hot",
  "gateway.auth.allowTailscale": "hot",
  "gateway.auth.identityScopes": "hot",
  "gateway.trustedProxies": "hot",
  "gateway.allowRealIpFallback": "hot",
  "gateway.http": "hot",
  "gateway.controlUi": "hot",
  "gateway.controlUi.basePath": "restart",
  "gateway.controlUi.root": "restart",
  "gateway.reload": "hot",
  "gateway.remote": "none",
  "gateway.publicOrigin": "hot",
  "gateway.tools": "hot",
  "gateway.nodes": "hot",
  "gateway.cliAgents": "hot",
  "gateway.terminal": "hot",
  "gateway.push": "hot",
  "gateway.roles": "hot",
  "gateway.canvasHost": "hot",
  "gateway.canvasHost.port": "restart",
  canvasHost: "hot",
  "canvasHost.port": "restart",
  "plugins.entries.canvas.config.host": "hot",
  logging: "hot",
  discovery: "restart",
  commands: "hot",
  agents: "hot",
  models: "hot",
  hooks: "hot",
  cron: "hot",
  session: "hot",
  messages: "hot",
  tools: "hot",
  skills: "hot",
  channels: "hot",
  ui: "hot",
  identity: "hot",
  bindings: "hot",
  env: "hot",
  $schema: "none",
  meta: "none",
  wizard: "none",
});

/** Classifies one dotted key path by the longest matching rule. */
export function classifyPath(path: string): ReloadAction {
  const segments = path.split(".");
  for (let length = segments.length; length > 0; length--) {
    const rule = RELOAD_RULES[segments.slice(0, length).join(".")];
    if (rule) return rule;
  }
  return "restart";
}

/** The changed keys between two snapshots and what each needs. */
export interface ReloadPlan {
  changes: { path: string; action: ReloadAction }[];
  restartRequired: boolean;
  hotPaths: string[];
  restartPaths: string[];
}

/** Diffs two snapshots (resolved values, so a changed env var counts) and classifies every changed key. */
export function planReload(previous: ConfigSnapshot, next: ConfigSnapshot): ReloadPlan {
  const changes = diffPaths(previous.config, next.config).map((path) => ({ path, action: classifyPath(path) }));
  return {
    changes,
    restartRequired: changes.some((c) => c.action === "restart"),
    hotPaths: changes.filter((c) => c.action === "hot").map((c) => c.path),
    restartPaths: changes.filter((c) => c.action === "restart").map((c) => c.path),
  };
}

/** Dotted paths of every leaf that differs; arrays compare as whole values. */
export function diffPaths(a: unknown, b: unknown, prefix = ""): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].sort().flatMap((key) => diffPaths(a[key], b[key], prefix ? `${prefix}.${key}` : key));
  }
  if (isPlainObject(a) !== isPlainObject(b) && (isPlainObject(a) || isPlainObject(b))) {
    // An object appeared or vanished: report its leaves so each is classified on its own.
    const side = (isPlainObject(a) ? a : b) as Record<string, unknown>;
    const leaves = diffPaths(side, {}, prefix);
    return leaves.length > 0 ? leaves : [prefix];
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [prefix];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}
