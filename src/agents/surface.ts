// The agents feature mounted on the gateway: session store, run manager, RPC methods and HTTP routes.
import { appendFileSync, chmodSync, existsSync, mkdirSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { agentsConfig } from "./config.ts";
import { agentsHttp } from "./http/routes.ts";
import type { AgentsService } from "./methods.ts";
import { AGENTS_METHOD_NAMES as NAMES } from "./method-names.ts";
import { canRead } from "./present.ts";
import type { RawStreamSink } from "./providers/types.ts";
import { RunManager } from "./runs.ts";
import { SessionSubscriptions } from "./subscriptions.ts";
import { Approvals } from "./tools/approvals.ts";
import { Toolbox } from "./tools/toolbox.ts";
import { bootstrapPrompt } from "./workspace-files.ts";
import { SessionStore, StoreError } from "./store.ts";
import { lazyMethods } from "../surface/lazy-methods.ts";
import type { ClientView, Surface, SurfaceContext } from "../surface/types.ts";

/** Where the session store lives in a state dir (the same path `health`/`status` report). */
export function sessionStorePath(stateDir: string): string {
  return join(stateDir, "sessions", "sessions.sqlite");
}

function rawSink(path: string | undefined): RawStreamSink | undefined {
  if (!path) return undefined;
  let ready = false;
  return (record) => {
    try {
      if (!ready) {
        // Raw model events are transcripts: private like the session store, older files narrowed too.
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        appendFileSync(path, "", { mode: 0o600 });
        // Only a regular file is ours to narrow; a device such as /dev/stdout is written as it is.
        if (statSync(path).isFile()) chmodSync(path, 0o600);
        ready = true;
      }
      appendFileSync(path, `${JSON.stringify({ ts: Date.now(), ...record })}\n`, { mode: 0o600 });
    } catch {
      // The raw stream is a debugging aid; it never breaks a run.
    }
  };
}

/** The agents feature, with the service that features built beside it use (hooks start runs through it). */
export function agentsSurface(ctx: SurfaceContext): Surface & { service: AgentsService } {
  const log = ctx.logger.child("agents");
  let store: SessionStore | undefined;
  let stopped = false;
  const openStore = (): SessionStore => {
    // After stop the next generation owns the file; a late run of this one must not reopen it.
    if (stopped) throw new StoreError("session store closed (gateway stopping or restarting)");
    if (!store) {
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
  const approvals = new Approvals((event, payload) => ctx.core.broadcast(event, payload, { filter: approvers }));
  // The message tool sends through channels, which the composition sets on the service (never imported here).
  const tools = new Toolbox({ config: () => ctx.core.config(), approvals, delivery: () => service.delivery });
  const runs = new RunManager({
    tools,
    systemPrompt: (_agentId, workspace, configured) => [configured, bootstrapPrompt(workspace)].filter(Boolean).join("\n\n") || undefined,
    config: () => ctx.core.config(),
    secret: ctx.secret,
    store: openStore,
    broadcast: (event, payload) => ctx.core.broadcast(event, payload, { filter: audience(event, payload) }),
    followed: (sessionKey) => subscriptions.anyFor(sessionKey),
    // Run events are built only when someone may read them (a lone CLI without read scope, or no client at all).
    hasReaders: () => ctx.core.hasClient(readers) || service.nodeChat?.any() === true,
    log,
    raw: rawSink(ctx.rawStreamPath),
  });
  const service: AgentsService = { runs, store: openStore, subscriptions, approvals, tools };
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
    http: agentsHttp(ctx, service),
    start() {
      const problems = agentsConfig(ctx.core.config()).problems;
      for (const problem of problems) log.warn(`config: ${problem}`);
      // The store opens on first use (a run, a sessions.* call, or a health count once the file exists):
      // a gateway that never runs an agent does not pay SQLite's memory (bench: 2.3 MB idle).
    },
    async stop() {
      runs.abortAll("gateway stopping");
      approvals.abortAll();
      tools.stop();
      await runs.settled(2000);
      stopped = true;
      store?.close();
      store = undefined;
    },
  };
}
