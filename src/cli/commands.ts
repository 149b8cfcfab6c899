import type { CommandDef } from "citty";

/** A node of the command tree: a leaf loads its module lazily, a group lists children. */
export interface CommandNode {
  description: string;
  load?: () => Promise<CommandDef<any>>;
  sub?: Record<string, CommandNode>;
  /** The child a group runs when no child is named (`openclaw gateway` = `gateway run`). */
  default?: string;
}

// Every command is a dynamic import so `openclaw --version` and `--help` load none of them.
const leaf = (description: string, load: () => Promise<{ default: CommandDef<any> }>): CommandNode => ({
  description,
  load: () => load().then((m) => m.default),
});

/** The whole `openclaw` command tree; descriptions live here so help needs no imports. */
export const COMMANDS: Record<string, CommandNode> = {
  gateway: {
    description: "Run the gateway, or query and manage a running one",
    default: "run",
    sub: {
      run: leaf("Run the gateway in the foreground", () => import("./gateway/run.ts")),
      install: leaf("Install the gateway as a service (systemd, launchd, Task Scheduler) and start it", () => import("./service/install.ts")),
      start: leaf("Start the installed gateway service and wait until it is ready", () => import("./service/start.ts")),
      stop: leaf("Stop the gateway service (--disable keeps it from starting again)", () => import("./service/stop.ts")),
      restart: leaf("Restart the gateway service with the supervisor's own restart", () => import("./service/restart.ts")),
      uninstall: leaf("Stop and remove the gateway service and its env file", () => import("./service/uninstall.ts")),
      discover: leaf("Find gateways on the LAN (mDNS) and in the wide-area DNS-SD domain", () => import("./gateway/discover.ts")),
      health: leaf("Fetch the running gateway's health over RPC", () => import("./gateway/health.ts")),
      call: leaf("Call a gateway RPC method and print the payload", () => import("./gateway/call.ts")),
      status: leaf("Show the gateway service view plus a connectivity probe", () => import("./gateway/status.ts")),
      probe: leaf("Probe local, remote and explicit gateways (reachability, auth, version)", () => import("./gateway/probe.ts")),
    },
  },
  health: leaf("Fetch a health snapshot from the running gateway", () => import("./health.ts")),
  status: leaf("Local summary: gateway reachability, config, sessions, channels, service", () => import("./status/status.ts")),
  logs: leaf("Tail the gateway's log file over RPC (--follow to keep polling)", () => import("./logs/logs.ts")),
  doctor: leaf("Check config, permissions, port, token and log dir; --fix repairs what is safe", () => import("./doctor/doctor.ts")),
  dns: {
    description: "Wide-area discovery helpers (DNS-SD records for your zone)",
    sub: { records: leaf("Print the PTR/SRV/TXT/A records that advertise this gateway", () => import("./dns-records.ts")) },
  },
  agent: leaf("Run one agent turn through the gateway (--message, --agent, --session, --json)", () => import("./agent.ts")),
  sessions: leaf("List the gateway's agent sessions", () => import("./sessions.ts")),
  models: { description: "Configured model providers and models", sub: { list: leaf("List the configured models", () => import("./models-list.ts")) } },
  devices: {
    description: "Device pairing and auth tokens",
    sub: {
      list: leaf("List pending and paired devices", () => import("./devices/list.ts")),
      approve: leaf("Approve a pending device pairing request", () => import("./devices/approve.ts")),
      reject: leaf("Reject a pending device pairing request", () => import("./devices/reject.ts")),
      remove: leaf("Remove a paired device entry", () => import("./devices/remove.ts")),
      rename: leaf("Assign an operator label to a paired device", () => import("./devices/rename.ts")),
      rotate: leaf("Rotate a device token for a role", () => import("./devices/rotate.ts")),
      revoke: leaf("Revoke a device token for a role", () => import("./devices/revoke.ts")),
    },
  },
  nodes: {
    description: "Paired nodes: list, describe, invoke, pending requests",
    sub: {
      list: leaf("List pending and paired nodes", () => import("./nodes/list.ts")),
      describe: leaf("Describe a node (capabilities + supported invoke commands)", () => import("./nodes/describe.ts")),
      invoke: leaf("Invoke a command on a paired node", () => import("./nodes/invoke.ts")),
      pending: leaf("List pending pairing requests", () => import("./nodes/pending.ts")),
      approve: leaf("Approve a pending pairing request", () => import("./nodes/approve.ts")),
    },
  },
  config: {
    description: "Read and edit openclaw.json (validated, atomic, with a .bak)",
    sub: {
      get: leaf("Print the value at a config path (secrets redacted)", () => import("./config/get.ts")),
      set: leaf("Set a config path to a JSON5 value after validating the result", () => import("./config/set.ts")),
      unset: leaf("Remove a config path after validating the result", () => import("./config/unset.ts")),
      validate: leaf("Validate the config file and list every problem", () => import("./config/validate.ts")),
      file: leaf("Print the path of the active config file", () => import("./config/file.ts")),
    },
  },
};
