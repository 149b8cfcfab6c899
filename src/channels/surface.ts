// The channels feature mounted on the gateway. Kept small on purpose: the runtime and every channel plugin
// load with `import()` only once a `channels.<id>` section exists, so a gateway without channels pays nothing.
import type { AgentsService, ChannelDelivery } from "../agents/methods.ts";
import { GatewayError } from "../protocol/errors.ts";
import type { ConfigSnapshot } from "../config/load.ts";
import type { Surface, SurfaceContext } from "../surface/types.ts";
import type { MethodFamily, MethodHandler } from "../methods/types.ts";
import type { ChannelRuntime } from "./runtime.ts";
import { anyChannelConfigured, CHANNEL_PLUGINS } from "./registry.ts";

export interface ChannelsDeps {
  agents: AgentsService;
  /** Waits for back-off and retry_after; tests inject one that needs no wall clock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The RPC methods of the feature; their module (schemas, outbound, pairing, status) loads on the first call. */
export const CHANNEL_METHODS = [
  "channels.status",
  "channels.start",
  "channels.stop",
  "channels.logout",
  "send",
  "message.action",
  "channels.pairing.list",
  "channels.pairing.approve",
  "channels.pairing.dismiss",
] as const;

const readers = (scopes: readonly string[]) => scopes.includes("operator.read") || scopes.includes("operator.write") || scopes.includes("operator.admin");

/** Resolves after `ms`, or at once (rejecting) when the signal aborts. */
function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error("aborted"));
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(new Error("aborted"))), { once: true });
  });
}

function anyChannel(snapshot: ConfigSnapshot): boolean {
  return anyChannelConfigured(snapshot.config as Record<string, unknown>);
}

export function channelsSurface(ctx: SurfaceContext, deps: ChannelsDeps): Surface & { delivery: ChannelDelivery } {
  const log = ctx.logger.child("channels");
  let runtime: ChannelRuntime | undefined;
  let health: ((rt: ChannelRuntime) => { channels: Record<string, unknown>; labels: Record<string, string> }) | undefined;
  let loading: Promise<ChannelRuntime | undefined> | undefined;
  let stopped = false;

  /** The runtime, loaded and reconciled the first time a channel is configured. */
  const ensure = (): Promise<ChannelRuntime | undefined> => {
    if (runtime || stopped) return Promise.resolve(runtime);
    if (!anyChannel(ctx.core.config())) return Promise.resolve(undefined);
    loading ??= Promise.all([import("./runtime.ts"), import("./status.ts")]).then(async ([{ ChannelRuntime }, status]) => {
      health = status.healthChannels;
      const rt = new ChannelRuntime({
        agents: deps.agents,
        config: () => ctx.core.config(),
        broadcast: (event, payload) => ctx.core.broadcast(event, payload, { filter: (client) => readers(client.scopes) }),
        log,
        env: ctx.env,
        redact: (secret) => ctx.logger.redact(secret),
        secret: ctx.secret,
        sleep: deps.sleep ?? abortableSleep,
        plugins: CHANNEL_PLUGINS,
      });
      runtime = rt;
      await rt.reconcile(ctx.core.config());
      return rt;
    });
    return loading;
  };

  let family: Promise<MethodFamily> | undefined;
  const handlers = () => (family ??= import("./methods.ts").then((m) => m.channelsMethods(ensure, () => ctx.core.eventLoop())));
  const lazy = (name: string): MethodHandler => async (params, methodCtx) => (await handlers())[name]!(params, methodCtx);

  const noChannel = () => new GatewayError("INVALID_REQUEST", "no channel is configured to reach the target (channels.*)");
  const delivery: ChannelDelivery = {
    async sessionKey(agentId, target) {
      const rt = await ensure();
      if (!rt) throw noChannel();
      const { targetSessionKey } = await import("./outbound.ts");
      return targetSessionKey(rt, ctx.core.config().config as Record<string, unknown>, agentId, target);
    },
    async deliver(target, text) {
      const rt = await ensure();
      if (!rt) return { requested: true, attempted: false, status: "failed", succeeded: false, resultCount: 0, error: noChannel().message };
      const { deliverReply } = await import("./outbound.ts");
      return deliverReply(rt, target, text);
    },
    async lastRoute(agentId, sessionKey) {
      return (await ensure())?.lastRoutes.get(agentId, sessionKey);
    },
    channelIds: () => Object.keys(CHANNEL_PLUGINS),
    async checkTarget(channel, accountId) {
      const rt = await ensure();
      if (!rt) return { ok: false, error: `Channel ${channel} is unavailable.` };
      const { checkAccount } = await import("./outbound.ts");
      return checkAccount(rt, channel, accountId);
    },
    // routes.ts loads only once a channel is configured (a gateway without channels has no owner chat to reach).
    ownerRoute: (channel) => {
      const config = ctx.core.config().config as Record<string, unknown>;
      if (!anyChannelConfigured(config)) return undefined;
      return (require("./routes.ts") as typeof import("./routes.ts")).ownerRoute(config, channel);
    },
    async action(params) {
      const rt = await ensure();
      if (!rt) throw noChannel();
      const { messageAction } = await import("./outbound.ts");
      return messageAction(rt, { ...params, channel: params.channel || undefined });
    },
  };

  return {
    name: "channels",
    delivery,
    // A gateway without channels loads none of the channel code, not even the method handlers, until a call.
    methods: Object.fromEntries(CHANNEL_METHODS.map((name) => [name, lazy(name)])),
    events: ["session.message"],
    sideEffectMethods: ["send", "message.action", "channels.logout"],
    channels: () => (runtime && health ? health(runtime) : { channels: {}, labels: {} }),
    // Telegram webhook paths of running accounts; every other path falls through to the next route.
    http: (request, url) => runtime?.webhook(request, url),
    start() {
      void ensure();
    },
    configChanged(next) {
      if (runtime) void runtime.reconcile(next);
      else if (anyChannel(next)) void ensure();
    },
    // A rotated token changes that account's fingerprint: only that account restarts.
    secretsChanged() {
      if (runtime) void runtime.reconcile(ctx.core.config());
    },
    async stop() {
      stopped = true;
      await loading;
      await runtime?.stop();
    },
  };
}

