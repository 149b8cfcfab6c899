// Hooks mounted on the gateway port: HTTP ingress under `hooks.path` (off unless `hooks.enabled`, and then
// every path under it is a plain 404), the `hooks.status` and `hooks.webhooks` RPCs; wakes go to the automations feature (src/features.ts).
import { join } from "node:path";
import { agentsConfig } from "../agents/config.ts";
import type { AgentsService } from "../agents/methods.ts";
import { GatewayError } from "../protocol/errors.ts";
import { AuthThrottle } from "../surface/auth-throttle.ts";
import { notFound } from "../surface/http.ts";
import type { Surface, SurfaceContext } from "../surface/types.ts";
import type { ConfigSnapshot } from "../config/load.ts";
import type { Dispatcher } from "./actions.ts";
import { hooksConfig, type HooksResolved } from "./config.ts";
import type { AutomationsService } from "../automations/surface.ts";

/** Reference default for hook auth: 20 failures a minute lock that client out for a minute; loopback too. */
const HOOK_RATE_LIMIT = { maxAttempts: 20, windowMs: 60_000, lockoutMs: 60_000, exemptLoopback: false };

/** The features hooks act through, handed over by the composition (src/features.ts). */
export interface HooksDeps {
  agents: AgentsService;
  /** Owns the system-event queue wakes land in, and runs the heartbeat turn a `now` wake asks for. */
  automations: AutomationsService;
}

export function hooksSurface(ctx: SurfaceContext, deps: HooksDeps): Surface {
  const log = ctx.logger.child("hooks");
  const queue = deps.automations.systemEvents;
  const ownThrottle = new AuthThrottle(HOOK_RATE_LIMIT);
  let heartbeatRequestedAt: number | null = null;
  const seen = new WeakSet<ConfigSnapshot>();

  /** The current hooks config; the first look at each snapshot registers the token and reports problems. */
  const current = (): { snapshot: ConfigSnapshot; hooks: HooksResolved } => {
    const snapshot = ctx.core.config();
    const configured = hooksConfig(snapshot);
    // A ref-valued token is read from the secrets snapshot on every request, so `secrets reload` rotates it.
    const hooks = configured.tokenRef ? { ...configured, token: ctx.secret("hooks.token") } : configured;
    if (!seen.has(snapshot)) {
      seen.add(snapshot);
      if (hooks.token) ctx.logger.redact(hooks.token);
      for (const problem of hooks.problems) log.warn(`config: ${problem}; hooks stay off`);
      for (const warning of hooks.warnings) log.warn(`config: ${warning}`);
      const auth = ctx.auth();
      if (hooks.enabled && hooks.token && (hooks.token === auth.token || hooks.token === auth.password)) {
        log.warn("config: hooks.token reuses the gateway's shared secret; set a separate hooks.token and update hook senders");
      }
    }
    return { snapshot, hooks };
  };

  const dispatcher: Dispatcher = {
    service: () => deps.agents,
    // Set by the composition from the channels feature; read per request so hooks never import channels.
    delivery: () => deps.agents.delivery,
    queue,
    onWake(action, outcome) {
      const preview = action.text.length > 80 ? `${action.text.slice(0, 79)}…` : action.text;
      log.info(`wake ${outcome} for ${action.target} (mode ${action.mode}, ${action.source}): ${JSON.stringify(preview)}`);
      if (action.mode === "now") {
        heartbeatRequestedAt = Date.now();
        // The event is queued already; the automations scheduler runs the agent's heartbeat turn at its next tick.
        void deps.automations.requestTurn(action.agentId, action.source).catch((error) => log.warn(`wake: heartbeat turn not scheduled: ${(error as Error).message}`));
      }
    },
    onRun(action, runId, sessionKey) {
      log.info(`hook run ${runId} accepted (${action.source}, name ${JSON.stringify(action.name)}, session ${sessionKey})`);
    },
  };

  return {
    name: "hooks",
    methods: {
      // The reference's `hooks.status` reports internal (HOOK.md) hooks of an agent's workspace; this gateway runs
      // none, so the list is empty in the reference's shape. The webhook ingress state is `hooks.webhooks`.
      "hooks.status": (params) => {
        const agentId = hooksStatusAgent(params);
        const snapshot = ctx.core.config();
        const agents = agentsConfig(snapshot);
        const agent = agentId === undefined ? agents.agents[agents.defaultAgentId] : agents.agents[agentId.toLowerCase()];
        if (!agent) throw new GatewayError("INVALID_REQUEST", `unknown agent id "${agentId}"`, { details: { code: "UNKNOWN_AGENT_ID" } });
        const stateDir = snapshot.paths.stateDir;
        return { workspaceDir: agent.workspace ?? join(stateDir, "workspace"), managedHooksDir: join(stateDir, "hooks"), hooks: [] };
      },
      "hooks.webhooks": () => {
        const { hooks } = current();
        return {
          enabled: hooks.enabled,
          path: hooks.basePath,
          problems: hooks.problems,
          mappings: hooks.mappings.map((m) => ({ id: m.id, path: m.matchPath ?? null, source: m.matchSource ?? null, action: m.action })),
          pendingWakes: queue.list(),
          heartbeatRequestedAt,
        };
      },
    },
    http(request, url, remoteAddress) {
      const { snapshot, hooks } = current();
      const base = hooks.basePath;
      if (url.pathname !== base && !url.pathname.startsWith(`${base}/`)) return undefined;
      if (!hooks.enabled) return notFound();
      // The ingress (actions, templates, delivery) loads on the first request to an enabled hooks path.
      return import("./http.ts").then(({ handleHookRequest }) => handleHookRequest(request, url, remoteAddress, {
        ...dispatcher,
        snapshot,
        hooks,
        throttles: { shared: ctx.core.throttle, own: ownThrottle },
        info: (message) => log.info(message),
        warn: (message) => log.warn(message),
      }));
    },
    start() {
      const { hooks } = current();
      if (hooks.enabled) log.info(`hooks enabled at ${hooks.basePath} (${hooks.mappings.length} mapping(s))`);
    },
  };
}

/** `hooks.status` params are closed: `{}` or `{agentId}` (the reference's HooksStatusParamsSchema). */
function hooksStatusAgent(params: unknown): string | undefined {
  if (params === undefined || params === null) return undefined;
  if (typeof params !== "object" || Array.isArray(params)) throw new GatewayError("INVALID_REQUEST", "invalid hooks.status params: must be object");
  for (const key of Object.keys(params)) {
    if (key !== "agentId") throw new GatewayError("INVALID_REQUEST", `invalid hooks.status params: at root: unexpected property '${key}'`);
  }
  const { agentId } = params as { agentId?: unknown };
  if (agentId === undefined) return undefined;
  if (typeof agentId !== "string" || agentId.trim() === "") throw new GatewayError("INVALID_REQUEST", "invalid hooks.status params: at /agentId: must be a non-empty string");
  return agentId.trim();
}
