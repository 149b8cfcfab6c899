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

/** A leaf whose module exports several commands: picks one by name. */
const named = (description: string, load: () => Promise<Record<string, unknown>>, name: string): CommandNode => ({
  description,
  load: () => load().then((m) => m[name] as CommandDef<any>),
});

function cronCommands(): Record<string, CommandNode> {
  const load = () => import("./cron/commands.ts") as Promise<Record<string, unknown>>;
  return {
    list: named("List automation jobs (--all includes disabled ones)", load, "list"),
    get: named("Show one job", load, "get"),
    add: named("Add a job (--at|--every|--cron, --system-event|--message)", load, "add"),
    edit: named("Change a job", load, "edit"),
    remove: named("Remove a job", load, "remove"),
    run: named("Run a job now (--due: only if due)", load, "run"),
    runs: named("Run history of a job", load, "runs"),
    status: named("Scheduler status", load, "status"),
  };
}

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
  secrets: {
    description: "SecretRefs: reload the gateway's runtime snapshot, audit for plaintext and unresolved refs, apply a plan",
    sub: {
      reload: leaf("Re-resolve SecretRefs on the running gateway and swap its snapshot atomically", () => import("./secrets/reload.ts")),
      audit: leaf("Find plaintext secrets in config and service files, and refs that do not resolve", () => import("./secrets/audit.ts")),
      apply: leaf("Apply a secrets plan (--from <plan.json>, --dry-run, --allow-exec)", () => import("./secrets/apply.ts")),
    },
  },
  onboard: leaf("Set up a local gateway (mode local, generated token); --install-daemon installs and starts the service", () => import("./onboard.ts")),
  qr: leaf("Generate a mobile pairing setup code (minted by the running gateway)", () => import("./qr.ts")),
  dashboard: leaf("Print (and on a terminal, open) the Control UI URL with the gateway token", () => import("./dashboard.ts")),
  completion: leaf("Print the shell completion script (--shell bash|zsh|fish|powershell)", () => import("./completion/completion.ts")),
  update: leaf("Update this binary from the release folder (--check, --yes, --channel)", () => import("./update.ts")),
  doctor: leaf("Check config, permissions, port, token and log dir; --fix repairs what is safe", () => import("./doctor/doctor.ts")),
  dns: {
    description: "Wide-area discovery helpers (DNS-SD records for your zone)",
    sub: { records: leaf("Print the PTR/SRV/TXT/A records that advertise this gateway", () => import("./dns-records.ts")) },
  },
  agent: leaf("Run one agent turn through the gateway (--message, --agent, --session, --json)", () => import("./agent.ts")),
  sessions: leaf("List the gateway's agent sessions", () => import("./sessions.ts")),
  agents: {
    description: "Manage agents: each has its own workspace and model",
    default: "list",
    sub: {
      list: leaf("List the configured agents", () => import("./agents/list.ts")),
      add: leaf("Add an agent with its own workspace", () => import("./agents/add.ts")),
      delete: leaf("Delete an agent (its workspace stays unless --delete-files)", () => import("./agents/delete.ts")),
    },
  },
  approvals: {
    description: "Exec approvals: pending requests, decisions, the exec policy and allowlists",
    sub: {
      get: leaf("Show the exec policy and allowlists of this host", () => import("./approvals/get.ts")),
      pending: leaf("List pending exec approvals on the gateway", () => import("./approvals/pending.ts")),
      resolve: leaf("Resolve a pending exec approval: allow-once, allow-always or deny", () => import("./approvals/resolve.ts")),
      allowlist: {
        description: "Edit the exec allowlist",
        sub: {
          add: leaf("Add a pattern to the exec allowlist", () => import("./approvals/allowlist-add.ts")),
          remove: leaf("Remove a pattern from the exec allowlist", () => import("./approvals/allowlist-remove.ts")),
        },
      },
    },
  },
  cron: {
    description: "Automation jobs: list, add, edit, remove, run, runs, status (alias: automations)",
    sub: cronCommands(),
  },
  automations: { description: "Automation jobs (same as `openclaw cron`)", sub: cronCommands() },
  system: {
    description: "System events and heartbeats",
    sub: {
      event: named("Queue a system event on the main session (--mode now wakes the agent)", () => import("./system.ts"), "event"),
      heartbeat: {
        description: "Read or toggle heartbeats",
        sub: {
          last: named("Show the last heartbeat event", () => import("./system.ts"), "heartbeatLast"),
          enable: named("Turn heartbeats on", () => import("./system.ts"), "heartbeatEnable"),
          disable: named("Turn heartbeats off", () => import("./system.ts"), "heartbeatDisable"),
        },
      },
    },
  },
  channels: {
    description: "Chat channel accounts: list, live status, add/remove, login/logout",
    sub: {
      list: leaf("List configured channel accounts (config only)", () => import("./channels/list.ts")),
      status: leaf("Show channel accounts as the gateway sees them (--probe checks each live)", () => import("./channels/status.ts")),
      add: leaf("Add a channel account to the config (Telegram: --token)", () => import("./channels/add.ts")),
      remove: leaf("Disable a channel account (--delete removes it)", () => import("./channels/remove.ts")),
      login: leaf("Start a channel account on the running gateway", () => import("./channels/login.ts")),
      logout: leaf("Log a channel account out on the running gateway", () => import("./channels/logout.ts")),
    },
  },
  message: {
    description: "Send messages through the gateway's channels",
    sub: { send: leaf("Send a message (and --media) to a chat through the gateway", () => import("./message/send.ts")) },
  },
  pairing: {
    description: "Approve who may DM the bot (DM pairing codes)",
    sub: {
      list: leaf("List pending DM pairing requests", () => import("./pairing/list.ts")),
      approve: leaf("Approve a pending DM pairing code", () => import("./pairing/approve.ts")),
    },
  },
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
    description: "Paired nodes: status, list, describe, invoke, pending requests",
    sub: {
      status: leaf("List known nodes with connection status and capabilities", () => import("./nodes/status.ts")),
      list: leaf("List pending and paired nodes", () => import("./nodes/list.ts")),
      describe: leaf("Describe a node (capabilities + supported invoke commands)", () => import("./nodes/describe.ts")),
      invoke: leaf("Invoke a command on a paired node", () => import("./nodes/invoke.ts")),
      pending: leaf("List pending pairing requests", () => import("./nodes/pending.ts")),
      approve: leaf("Approve a pending pairing request", () => import("./nodes/approve.ts")),
      canvas: {
        description: "Present widget documents on a paired macOS panel",
        sub: {
          present: named("Show the node's widget panel (optionally at a hosted document)", () => import("./nodes/canvas.ts"), "present"),
          hide: named("Hide the node's widget panel", () => import("./nodes/canvas.ts"), "hide"),
          navigate: named("Navigate the node's widget panel to a hosted document", () => import("./nodes/canvas.ts"), "navigate"),
        },
      },
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

COMMANDS.service = serviceAlias("Manage the gateway service (same as `openclaw gateway install|start|stop|restart|status|uninstall`)");
COMMANDS.daemon = serviceAlias("Legacy alias of the gateway service commands (`openclaw gateway …`)");

/**
 * `openclaw service …` (seed 004) and `openclaw daemon …` (the reference's legacy name): the very nodes of the
 * `gateway` service commands under another group, so both spellings run the same code with the same flags.
 */
function serviceAlias(description: string): CommandNode {
  const gateway = COMMANDS.gateway!.sub!;
  const names = ["status", "install", "start", "stop", "restart", "uninstall"] as const;
  return { description, sub: Object.fromEntries(names.map((name) => [name, gateway[name]!])) };
}
