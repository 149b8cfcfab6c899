// What every node.* method file acts through: one object per gateway generation, built by nodes/surface.ts.
import type { DevicesService } from "../devices/surface.ts";
import type { PendingActions } from "./actions.ts";
import type { NodeEventDispatch } from "./events.ts";
import type { CommandsConfig } from "./policy.ts";
import type { NodeRegistry } from "./registry.ts";
import type { ChatFollowers, ExecAuthorizations } from "./session-links.ts";
import type { WorkQueue } from "./work.ts";

export interface NodesContext {
  devices: DevicesService;
  registry: NodeRegistry;
  work: WorkQueue;
  actions: PendingActions;
  chat: ChatFollowers;
  exec: ExecAuthorizations;
  /** `gateway.nodes.commands` of the current config (read per call, so hot reloads apply). */
  commands(): CommandsConfig;
  /** The node.event dispatcher (agents, automations and presence effects). */
  onEvent: NodeEventDispatch;
  log: { info(message: string): void; warn(message: string): void };
}
