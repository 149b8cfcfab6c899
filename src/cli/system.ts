// `openclaw system event|heartbeat …`: queue a system event (optionally waking the agent now), read or toggle heartbeats.
import { defineCommand } from "citty";
import { CliError } from "./context.ts";
import { callAndPrint } from "./cron/_call.ts";
import { jsonArg, str, targetArgs, timeoutArg } from "./gateway/_rpc.ts";

const common = { ...targetArgs, ...timeoutArg(30_000), ...jsonArg } as const;

export const event = defineCommand({
  meta: { name: "event", description: "Queue a system event on the main session (--mode now wakes the agent)" },
  args: {
    text: { type: "string", description: "Event text (required)", valueHint: "text" },
    mode: { type: "string", description: "now | next-heartbeat (default)", valueHint: "mode" },
    "session-key": { type: "string", description: "Target this session instead of the main one", valueHint: "key" },
    ...common,
  },
  run: (context) =>
    callAndPrint(
      context,
      "System event failed",
      "wake",
      () => {
        const text = str(context.args.text);
        if (!text) throw new CliError("--text is required");
        const mode = str(context.args.mode) ?? "next-heartbeat";
        if (mode !== "now" && mode !== "next-heartbeat") throw new CliError('--mode must be "now" or "next-heartbeat"');
        return { text, mode, ...(str(context.args["session-key"]) ? { sessionKey: str(context.args["session-key"]) } : {}) };
      },
      () => ["ok"],
    ),
});

const heartbeatLeaf = (name: string, description: string, method: string, params: Record<string, unknown> | undefined) =>
  defineCommand({
    meta: { name, description },
    args: { ...common },
    // The reference prints these raw RPC payloads as JSON whatever --json says.
    run: (context) => callAndPrint(context, `Heartbeat ${name} failed`, method, () => params ?? {}, () => [], { alwaysJson: true }),
  });

export const heartbeatLast = heartbeatLeaf("last", "Show the last heartbeat event", "last-heartbeat", undefined);
export const heartbeatEnable = heartbeatLeaf("enable", "Turn heartbeats on", "set-heartbeats", { enabled: true });
export const heartbeatDisable = heartbeatLeaf("disable", "Turn heartbeats off", "set-heartbeats", { enabled: false });
