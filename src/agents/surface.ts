// The agents feature mounted on the gateway: session store, run manager, RPC methods and HTTP routes. The run
// machinery (agents/runtime.ts), the SQLite store and the HTTP handlers load on first use, so a gateway nobody
// runs an agent on initialises none of them (issue 21: fewer modules at start, less JIT work, less RSS).
import { existsSync } from "node:fs";
import { join } from "node:path";
import { agentsConfig } from "./config.ts";
import { lazyAgentsHttp } from "./http/lazy.ts";
import type { AgentsService } from "./methods.ts";
import { AGENTS_METHOD_NAMES as NAMES } from "./method-names.ts";
import { canRead } from "./present.ts";
import type { RunStartHook } from "./runs.ts";
import type { AgentsRuntime } from "./runtime.ts";
import { SessionSubscriptions } from "./subscriptions.ts";
import type { ToolDefinition } from "./tools/types.ts";
import type { SessionStore } from "./store.ts";
import { lazyMethods } from "../surface/lazy-methods.ts";
import type { ClientView, Surface, SurfaceContext } from "../surface/types.ts";

/** Where the session store lives in a state dir (the same path `health`/`status` report). */
export function sessionStorePath(stateDir: string): string {
  return join(stateDir, "sessions", "sessions.sqlite");
}

/** The agents feature, with the service that features built beside it use (hooks start runs through it). */
export function agentsSurface(ctx: SurfaceContext): Surface & { service: AgentsService } {
  const log = ctx.logger.child("agents");
  let store: SessionStore | undefined;
  let stopped = false;
  const openStore = (): SessionStore => {
    // After stop the next generation owns the file; a late run of this one must not reopen it.
    if (stopped) {
      const { StoreError } = require("./store.ts") as typeof import("./store.ts");
      throw new StoreError("session store closed (gateway stopping or restarting)");
    }
    if (!store) {
      const { SessionStore } = require("./store.ts") as typeof import("./store.ts");
      store = SessionStore.open(sessionStorePath(ctx.core.config().paths.stateDir));
      // A run the last process never finished (kill -9, power loss) is marked in its transcript now.
      const interrupted = store.markInterrupted();
      if (interrupted.length) log.warn(`marked ${interrupted.length} interrupted run(s) in the session store`);
    }
    return store;
  };
  const readers = (client: ClientView) => canRead(client.scopes);
  const subscriptions = new SessionSubscriptions((connId) => ctx.core.hasClient((c) => c.connId === connId));
  // The reference sends session events only to the connections that subscribed to them.
  const audience = (event: string, payload: unknown): ((client: ClientView) => boolean) => {
    if (event === "sessions.changed") return (c) => readers(c) && subscriptions.followsSessions(c.connId);
    const key = (payload as { sessionKey?: string }).sessionKey ?? "";
    if (event === "session.message") return (c) => readers(c) && subscriptions.followsMessages(c.connId, key);
    if (event === "session.tool") return (c) => readers(c) && (subscriptions.followsSessions(c.connId) || subscriptions.followsMessages(c.connId, key));
    // A node that subscribed to a session (node event chat.subscribe) gets its chat and agent events, as in the reference.
    if (event === "chat" || event === "agent") return (c) => readers(c) || (c.role === "node" && service.nodeChat?.follows(c.connId, key) === true);
    return readers;
  };
  const approvers = (client: ClientView) => client.scopes.includes("operator.approvals") || client.scopes.includes("operator.admin");
  const pendingTools: (() => ToolDefinition)[] = [];
  const startHooks: RunStartHook[] = [];
  let runtime: AgentsRuntime | undefined;
  // Synchronous on purpose: every caller of `service.runs` (RPCs, hooks, channels, nodes, cron) expects the manager
  // itself; `require` initialises the runtime's modules here, on the first call, instead of at start.
  const rt = (): AgentsRuntime =>
    (runtime ??= (require("./runtime.ts") as typeof import("./runtime.ts")).createAgentsRuntime({
      ctx,
      log,
      store: openStore,
      broadcast: (event, payload) => ctx.core.broadcast(event, payload, { filter: audience(event, payload) }),
      followed: (sessionKey) => subscriptions.anyFor(sessionKey),
      hasReaders: () => ctx.core.hasClient(readers) || service.nodeChat?.any() === true,
      delivery: () => service.delivery,
      tools: pendingTools,
      startHooks,
      approvers,
    }));
  const service: AgentsService = {
    get runs() {
      return rt().runs;
    },
    get approvals() {
      return rt().approvals;
    },
    get tools() {
      return rt().tools;
    },
    store: openStore,
    subscriptions,
    addTool: (make) => (runtime ? runtime.tools.register(make()) : void pendingTools.push(make)),
    useStartHook: (hook) => (runtime ? runtime.runs.useStartHook(hook) : void startHooks.push(hook)),
  };
  return {
    name: "agents",
    service,
    // Each family (and its zod schemas) loads on its first call: a gateway nobody chats with never pays for them.
    methods: {
      ...lazyMethods(NAMES.agents, async () => (await import("./methods.ts")).agentsMethods(service)),
      ...lazyMethods(NAMES.sessions, async () => (await import("./session-methods.ts")).sessionMethods(service)),
      ...lazyMethods(NAMES.approvals, async () => (await import("./approval-methods.ts")).approvalMethods(service)),
      ...lazyMethods(NAMES.agentAdmin, async () => (await import("./agent-admin.ts")).agentAdminMethods(service)),
      ...lazyMethods(NAMES.sessionAdmin, async () => (await import("./session-admin.ts")).sessionAdminMethods(service)),
    },
    events: ["agent", "chat", "sessions.changed", "session.message", "session.tool", "exec.approval.requested", "exec.approval.resolved"],
    sessions: () => {
      const path = sessionStorePath(ctx.core.config().paths.stateDir);
      return { path, count: stopped || (!store && !existsSync(path)) ? 0 : openStore().count() };
    },
    http: lazyAgentsHttp(ctx, service),
    start() {
      const problems = agentsConfig(ctx.core.config()).problems;
      for (const problem of problems) log.warn(`config: ${problem}`);
      // The store opens on first use (a run, a sessions.* call, or a health count once the file exists):
      // a gateway that never runs an agent does not pay SQLite's memory (bench: 2.3 MB idle).
    },
    async stop() {
      if (runtime) {
        runtime.runs.abortAll("gateway stopping");
        runtime.approvals.abortAll();
        runtime.tools.stop();
        await runtime.runs.settled(2000);
      }
      stopped = true;
      store?.close();
      store = undefined;
    },
  };
}
