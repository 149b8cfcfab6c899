// The agents feature mounted on the gateway: session store, run manager, RPC methods and HTTP routes.
import { appendFileSync, existsSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { agentsConfig } from "./config.ts";
import { agentsHttp } from "./http/routes.ts";
import { agentsMethods, type AgentsService } from "./methods.ts";
import { canRead } from "./present.ts";
import type { RawStreamSink } from "./providers/types.ts";
import { RunManager } from "./runs.ts";
import { SessionStore, StoreError } from "./store.ts";
import type { Surface, SurfaceContext } from "../server/surfaces.ts";

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
        mkdirSync(dirname(path), { recursive: true });
        ready = true;
      }
      appendFileSync(path, `${JSON.stringify({ ts: Date.now(), ...record })}\n`);
    } catch {
      // The raw stream is a debugging aid; it never breaks a run.
    }
  };
}

/** The agents service of each mounted generation, for features built beside it (hooks start runs through it). */
const services = new WeakMap<SurfaceContext, AgentsService>();
export function agentsServiceFor(ctx: SurfaceContext): AgentsService | undefined {
  return services.get(ctx);
}

export function agentsSurface(ctx: SurfaceContext): Surface {
  const log = ctx.logger.child("agents");
  let store: SessionStore | undefined;
  let stopped = false;
  const openStore = (): SessionStore => {
    // After stop the next generation owns the file; a late run of this one must not reopen it.
    if (stopped) throw new StoreError("session store closed (gateway stopping or restarting)");
    store ??= SessionStore.open(sessionStorePath(ctx.core.config().paths.stateDir));
    return store;
  };
  const runs = new RunManager({
    config: () => ctx.core.config(),
    store: openStore,
    broadcast: (event, payload) => ctx.core.broadcast(event, payload, { filter: (client) => canRead(client.scopes) }),
    // Run events are built only when someone may read them (a lone CLI without read scope, or no client at all).
    hasReaders: () => {
      for (const client of ctx.core.clients.values()) if (canRead(client.scopes)) return true;
      return false;
    },
    log,
    raw: rawSink(ctx.rawStreamPath),
  });
  const service: AgentsService = { runs, store: openStore };
  services.set(ctx, service);
  return {
    name: "agents",
    methods: agentsMethods(service),
    events: ["agent", "chat", "sessions.changed"],
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
      await runs.settled(2000);
      stopped = true;
      store?.close();
      store = undefined;
    },
  };
}
