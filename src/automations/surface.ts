// The automations feature mounted on the gateway: cron.* / wake / system-event / heartbeat RPCs, the system
// event queue (hooks' wakes land here), and health's heartbeat summary. The scheduler, the SQLite store and the
// cron engine load on first use: at start only when a job store exists or an agent has a heartbeat.
import { existsSync } from "node:fs";
import type { AgentsService, ChannelDelivery } from "../agents/methods.ts";
import type { ConfigSnapshot } from "../config/load.ts";
import { lazyMethods } from "../surface/lazy-methods.ts";
import type { Surface, SurfaceContext } from "../surface/types.ts";
import { realClock, type Clock } from "./clock.ts";
import { heartbeatPlans, summaryOf } from "./heartbeat.ts";
import type { AutomationsRuntime } from "./runtime.ts";
import { cronStorePath } from "./store-path.ts";
import { drainWakesIntoRuns, SystemEventQueue, type WakeMode } from "./system-events.ts";

/** The features automations act through, handed over by the composition (src/features.ts). */
export interface AutomationsDeps {
  agents: AgentsService;
  /** The channels feature's sending side (heartbeat alerts, cron announcements), when this build has one. */
  delivery?: () => ChannelDelivery | undefined;
  /** Tests inject a fake clock; the gateway uses the real one. */
  clock?: Clock;
}

/** What other features use: hooks queue their wakes here and ask for the turn a `now` wake wants. */
export interface AutomationsService {
  systemEvents: SystemEventQueue;
  wake(params: { text: string; mode: WakeMode; agentId?: string; sessionKey?: string; source: string }): Promise<"queued" | "coalesced">;
  /** Asks for a heartbeat turn of the agent at the next tick the rate limits allow (the events are queued already). */
  requestTurn(agentId: string, reason: string): Promise<number>;
}

/** The automations RPCs, advertised at mount; their module (params schemas, cron parsing) loads on the first call. */
export const AUTOMATION_METHODS = ["cron.status", "cron.list", "cron.get", "cron.add", "cron.update", "cron.remove", "cron.run", "cron.runs", "cron.scratch.get", "cron.scratch.set", "wake", "system-event", "last-heartbeat", "set-heartbeats"] as const;

const canRead = (scopes: readonly string[]) => scopes.includes("operator.read") || scopes.includes("operator.write") || scopes.includes("operator.admin");

export function automationsSurface(ctx: SurfaceContext, deps: AutomationsDeps): Surface & { service: AutomationsService } {
  const log = ctx.logger.child("automations");
  const clock = deps.clock ?? realClock;
  const queue = new SystemEventQueue();
  // Through the service's own hook point: reaching `runs` would build the run machinery at start.
  drainWakesIntoRuns(deps.agents, queue, log);
  let loading: Promise<AutomationsRuntime> | undefined;
  let loaded: AutomationsRuntime | undefined;
  let stopped = false;

  const runtime = (): Promise<AutomationsRuntime> =>
    (loading ??= (async () => {
      if (stopped) throw new Error("automations stopped (gateway stopping or restarting)");
      const { AutomationsRuntime } = await import("./runtime.ts");
      const rt = new AutomationsRuntime({
        config: () => ctx.core.config(),
        agents: deps.agents,
        delivery: deps.delivery,
        queue,
        clock,
        env: ctx.env,
        emitCron: (event) => ctx.core.broadcast("cron", event, { filter: (c) => canRead(c.scopes) }),
        emitHeartbeat: (event) => ctx.core.broadcast("heartbeat", event, { filter: (c) => canRead(c.scopes) }),
        log,
      });
      await rt.start();
      loaded = rt;
      return rt;
    })());

  const needed = (snapshot: ConfigSnapshot): boolean => existsSync(cronStorePath(snapshot.paths.stateDir)) || heartbeatPlans(snapshot).plans.some((plan) => plan.enabled);

  const service: AutomationsService = {
    systemEvents: queue,
    wake: async (params) => (await runtime()).wake(params),
    requestTurn: async (agentId, reason) => (await runtime()).requestHeartbeat(agentId, reason),
  };

  return {
    name: "automations",
    service,
    methods: lazyMethods(AUTOMATION_METHODS, async () => (await import("./methods.ts")).automationMethods(runtime, () => clock.now())),
    events: ["cron", "heartbeat"],
    automations() {
      const { defaultAgentId, plans } = heartbeatPlans(ctx.core.config());
      const live = loaded?.heartbeatsOn === false ? plans.map((plan) => ({ ...plan, enabled: false })) : plans;
      const mains = new Set(plans.map((plan) => `agent:${plan.agentId}:main`));
      const queued = queue.list().filter((event) => mains.has(event.sessionKey)).map((event) => event.text);
      return { defaultAgentId, heartbeats: live.map(summaryOf), queuedSystemEvents: queued };
    },
    async start() {
      if (needed(ctx.core.config())) await runtime();
    },
    configChanged(next) {
      if (loaded) void loaded.syncHeartbeats(next).catch((error) => log.warn(`heartbeat config: ${(error as Error).message}`));
      else if (needed(next)) void runtime().catch((error) => log.warn(`automations: ${(error as Error).message}`));
    },
    async stop() {
      stopped = true;
      const rt = loaded ?? (loading ? await loading.catch(() => undefined) : undefined);
      await rt?.stop();
    },
  };
}
