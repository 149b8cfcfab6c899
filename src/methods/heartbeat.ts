import type { MethodFamily } from "./types.ts";

/** `last-heartbeat`: no agent heartbeat runs without a delivery route, so report it as skipped, like the reference. */
export const heartbeatMethods: MethodFamily = {
  "last-heartbeat": () => ({
    ts: Date.now(),
    status: "skipped",
    reason: "no-route",
    durationMs: 0,
    message: "Heartbeat has no delivery route yet. Configure a channel, or set agents.defaults.heartbeat.target.",
  }),
};
