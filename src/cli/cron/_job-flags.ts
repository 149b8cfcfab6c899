// `cron add` / `cron edit` flags → the `cron.add` params or a `cron.update` patch (the reference's flag names).
import type { ArgsDef } from "citty";
import { CliError } from "../context.ts";
import { str } from "../gateway/_rpc.ts";
import { durationMs } from "./_call.ts";

export const jobArgs = {
  name: { type: "string", description: "Job name", valueHint: "name" },
  description: { type: "string", description: "Job description", valueHint: "text" },
  agent: { type: "string", description: "Agent id that owns the job", valueHint: "id" },
  session: { type: "string", description: "main | isolated | current | session:<key>", valueHint: "target" },
  "session-key": { type: "string", description: "Session key a main-session job writes to", valueHint: "key" },
  at: { type: "string", description: "One run at an ISO time or after a duration (20m)", valueHint: "when" },
  every: { type: "string", description: "Recurring interval (10m, 1h, 1d)", valueHint: "duration" },
  cron: { type: "string", description: "5- or 6-field cron expression", valueHint: "expr" },
  tz: { type: "string", description: "IANA time zone for --cron", valueHint: "zone" },
  exact: { type: "boolean", description: "No stagger for a top-of-hour --cron" },
  stagger: { type: "string", description: "Stagger window for --cron", valueHint: "duration" },
  "system-event": { type: "string", description: "Main-session job: queue this system event", valueHint: "text" },
  message: { type: "string", description: "Agent-turn job: this message", valueHint: "text" },
  model: { type: "string", description: "Model for the agent turn (<provider>/<model>)", valueHint: "ref" },
  "timeout-seconds": { type: "string", description: "Run timeout in seconds", valueHint: "n" },
  wake: { type: "string", description: "now | next-heartbeat (default now)", valueHint: "mode" },
  announce: { type: "boolean", description: "Deliver the final reply to a channel" },
  deliver: { type: "boolean", description: "--no-deliver keeps output internal" },
  channel: { type: "string", description: "Delivery channel (or last)", valueHint: "id" },
  to: { type: "string", description: "Delivery target", valueHint: "target" },
  "best-effort-deliver": { type: "boolean", description: "A failed delivery does not fail the run" },
  "delete-after-run": { type: "boolean", description: "Delete a one-shot job after it succeeds" },
  "keep-after-run": { type: "boolean", description: "Keep a one-shot job after it succeeds" },
  disabled: { type: "boolean", description: "Create the job disabled" },
} as const satisfies ArgsDef;

type Flags = Record<string, unknown>;

function schedule(args: Flags): Record<string, unknown> | undefined {
  const given = ["at", "every", "cron"].filter((k) => str(args[k]) !== undefined);
  if (given.length > 1) throw new CliError("Use only one of --at, --every and --cron");
  if (str(args.tz) && !str(args.cron) && !str(args.at)) throw new CliError("--tz applies to --cron and --at only");
  if ((args.exact || str(args.stagger)) && !str(args.cron)) throw new CliError("--exact and --stagger apply to --cron only");
  if (str(args.at)) {
    const at = str(args.at)!;
    if (str(args.tz) && !/(Z|[+-]\d{2}:?\d{2})$/i.test(at) && /T/.test(at)) throw new CliError("--tz with --at: give the time with its offset (zone conversion of --at is not supported yet)");
    return { kind: "at", at };
  }
  if (str(args.every)) return { kind: "every", everyMs: durationMs(str(args.every)!, "--every") };
  if (str(args.cron)) {
    const out: Record<string, unknown> = { kind: "cron", expr: str(args.cron) };
    if (str(args.tz)) out.tz = str(args.tz);
    if (args.exact) out.staggerMs = 0;
    else if (str(args.stagger)) out.staggerMs = durationMs(str(args.stagger)!, "--stagger");
    return out;
  }
  return undefined;
}

function payload(args: Flags): Record<string, unknown> | undefined {
  if (str(args["system-event"]) && str(args.message)) throw new CliError("Use either --system-event or --message");
  if (str(args["system-event"])) return { kind: "systemEvent", text: str(args["system-event"]) };
  if (str(args.message)) {
    const out: Record<string, unknown> = { kind: "agentTurn", message: str(args.message) };
    if (str(args.model)) out.model = str(args.model);
    if (str(args["timeout-seconds"])) {
      const n = Number(args["timeout-seconds"]);
      if (!Number.isInteger(n) || n < 0) throw new CliError("--timeout-seconds: expected a whole number of seconds");
      out.timeoutSeconds = n;
    }
    return out;
  }
  return undefined;
}

function delivery(args: Flags): Record<string, unknown> | undefined {
  if (args.deliver === false) return { mode: "none" };
  if (!args.announce && !str(args.channel) && !str(args.to)) return undefined;
  const out: Record<string, unknown> = { mode: "announce" };
  if (str(args.channel)) out.channel = str(args.channel);
  if (str(args.to)) out.to = str(args.to);
  if (args["best-effort-deliver"]) out.bestEffort = true;
  return out;
}

/** Flags of `cron add` → `cron.add` params; the session target follows the payload unless --session says. */
export function addParams(args: Flags): Record<string, unknown> {
  const name = str(args.name);
  if (!name) throw new CliError("--name is required");
  const sched = schedule(args);
  if (!sched) throw new CliError("A schedule is required: --at, --every or --cron");
  const body = payload(args);
  if (!body) throw new CliError("A payload is required: --system-event or --message");
  const session = str(args.session) ?? (body.kind === "systemEvent" ? "main" : "isolated");
  const params: Record<string, unknown> = { name, schedule: sched, sessionTarget: session, wakeMode: str(args.wake) ?? "now", payload: body };
  if (str(args.description)) params.description = str(args.description);
  if (str(args.agent)) params.agentId = str(args.agent);
  if (str(args["session-key"])) params.sessionKey = str(args["session-key"]);
  if (args.disabled) params.enabled = false;
  if (args["delete-after-run"]) params.deleteAfterRun = true;
  if (args["keep-after-run"]) params.deleteAfterRun = false;
  const deliver = delivery(args) ?? (session === "isolated" ? { mode: "announce", channel: "last" } : undefined);
  if (deliver) params.delivery = deliver;
  return params;
}

/** Flags of `cron edit` → a `cron.update` patch (only what was given). */
export function editPatch(args: Flags): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  if (str(args.name)) patch.name = str(args.name);
  if (typeof args.description === "string") patch.description = args.description;
  if (str(args.agent)) patch.agentId = str(args.agent);
  if (str(args.session)) patch.sessionTarget = str(args.session);
  if (str(args["session-key"])) patch.sessionKey = str(args["session-key"]);
  if (str(args.wake)) patch.wakeMode = str(args.wake);
  const sched = schedule(args);
  if (sched) patch.schedule = sched;
  const body = payload(args);
  if (body) patch.payload = body;
  const deliver = delivery(args);
  if (deliver) patch.delivery = deliver;
  if (args.enable === true) patch.enabled = true;
  if (args.disable === true) patch.enabled = false;
  if (args["delete-after-run"]) patch.deleteAfterRun = true;
  if (args["keep-after-run"]) patch.deleteAfterRun = false;
  if (Object.keys(patch).length === 0) throw new CliError("Nothing to change: give at least one flag");
  return patch;
}
