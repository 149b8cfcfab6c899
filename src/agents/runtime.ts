// The agents feature's run machinery — pending approvals, the toolbox with every tool, the run manager and the
// providers behind it — built on first use: a gateway nobody runs an agent on never initialises these modules.
import { appendFileSync, chmodSync, mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import type { ChannelDelivery } from "./delivery-types.ts";
import type { RawStreamSink } from "./providers/types.ts";
import { RunManager, type RunStartHook } from "./runs.ts";
import type { SessionStore } from "./store.ts";
import { Approvals } from "./tools/approvals.ts";
import { Toolbox } from "./tools/toolbox.ts";
import type { ToolDefinition } from "./tools/types.ts";
import { bootstrapPrompt } from "./workspace-files.ts";
import type { ClientView, SurfaceContext } from "../surface/types.ts";

/** What the surface hands the runtime: the gateway's core, and the late-bound parts of the service. */
export interface AgentsRuntimeDeps {
  ctx: SurfaceContext;
  log: ReturnType<SurfaceContext["logger"]["child"]>;
  store: () => SessionStore;
  broadcast: (event: string, payload: unknown) => void;
  followed: (sessionKey: string) => boolean;
  hasReaders: () => boolean;
  delivery: () => ChannelDelivery | undefined;
  /** Tools other features contributed before the toolbox existed (the canvas tool). */
  tools: (() => ToolDefinition)[];
  /** Start hooks installed before the run manager existed (automations' queued wakes). */
  startHooks: RunStartHook[];
  approvers: (client: ClientView) => boolean;
}

/** The parts of the agents service that cost modules and memory. */
export interface AgentsRuntime {
  runs: RunManager;
  approvals: Approvals;
  tools: Toolbox;
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

/** Builds approvals, the toolbox (with the contributed tools) and the run manager (with the queued start hooks). */
export function createAgentsRuntime(deps: AgentsRuntimeDeps): AgentsRuntime {
  const { ctx } = deps;
  const approvals = new Approvals((event, payload) => ctx.core.broadcast(event, payload, { filter: deps.approvers }));
  // The message tool sends through channels, which the composition sets on the service (never imported here).
  const tools = new Toolbox({ config: () => ctx.core.config(), approvals, delivery: deps.delivery });
  for (const make of deps.tools) tools.register(make());
  const runs = new RunManager({
    tools,
    systemPrompt: (_agentId, workspace, configured) => [configured, bootstrapPrompt(workspace)].filter(Boolean).join("\n\n") || undefined,
    config: () => ctx.core.config(),
    secret: ctx.secret,
    store: deps.store,
    broadcast: deps.broadcast,
    followed: deps.followed,
    // Run events are built only when someone may read them (a lone CLI without read scope, or no client at all).
    hasReaders: deps.hasReaders,
    log: deps.log,
    raw: rawSink(ctx.rawStreamPath),
  });
  for (const hook of deps.startHooks) runs.useStartHook(hook);
  return { runs, approvals, tools };
}
