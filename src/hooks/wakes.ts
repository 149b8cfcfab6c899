// Wakes are system events: the queue lives with the automations feature (which also runs the heartbeat turn a
// `mode: "now"` wake asks for); hooks get it through the composition in src/features.ts.
export { SystemEventQueue as WakeQueue, renderWakes, type QueuedWake, type WakeMode } from "../automations/system-events.ts";
