// `openclaw cron …` (alias `automations`): list, get, add, edit, remove, run, runs, status over the cron.* RPCs.
import { defineCommand } from "citty";
import { CliError } from "../context.ts";
import { jsonArg, str, targetArgs, timeoutArg } from "../gateway/_rpc.ts";
import { table } from "../_table.ts";
import { callAndPrint, when } from "./_call.ts";
import { addParams, editPatch, jobArgs } from "./_job-flags.ts";

const common = { ...targetArgs, ...timeoutArg(30_000), ...jsonArg } as const;
// `--id` and `--job-id` are the reference's compatibility spellings of the positional job id.
const idArg = {
  job: { type: "positional", description: "Job id", required: false, valueHint: "job-id" },
  id: { type: "string", description: "Job id (alias of the positional)", valueHint: "job-id" },
  "job-id": { type: "string", description: "Job id (alias of the positional)", valueHint: "job-id" },
} as const;

function jobId(args: Record<string, unknown>): string {
  const id = str(args.job) ?? str(args.id) ?? str(args["job-id"]);
  if (!id) throw new CliError("A job id is required");
  return id;
}

function schedule(job: any): string {
  const s = job.schedule ?? {};
  if (s.kind === "at") return `at ${s.at}`;
  if (s.kind === "every") return `every ${Math.round(s.everyMs / 1000)}s`;
  if (s.kind === "cron") return `cron ${s.expr}${s.tz ? ` (${s.tz})` : ""}`;
  return String(s.kind);
}

export const list = defineCommand({
  meta: { name: "list", description: "List automation jobs" },
  args: { all: { type: "boolean", description: "Include disabled jobs" }, agent: { type: "string", description: "Only this agent's jobs", valueHint: "id" }, ...common },
  run: (context) =>
    callAndPrint(context, "Cron list failed", "cron.list", () => ({ includeDisabled: Boolean(context.args.all), ...(str(context.args.agent) ? { agentId: str(context.args.agent) } : {}) }), (p) =>
      p.jobs.length === 0
        ? ["No automation jobs."]
        : table(["ID", "NAME", "SCHEDULE", "NEXT", "LAST", "ENABLED"], p.jobs.map((j: any) => [j.id, j.name, schedule(j), when(j.state?.nextRunAtMs), j.state?.lastRunStatus ?? "-", j.enabled ? "yes" : "no"])),
    ),
});

export const get = defineCommand({
  meta: { name: "get", description: "Show one job" },
  args: { ...idArg, ...common },
  run: (context) => callAndPrint(context, "Cron get failed", "cron.get", () => ({ id: jobId(context.args) }), (j) => [JSON.stringify(j, null, 2)]),
});

export const add = defineCommand({
  meta: { name: "add", description: "Add an automation job" },
  args: { ...jobArgs, ...common },
  run: (context) => callAndPrint(context, "Cron add failed", "cron.add", () => addParams(context.args), (j) => [`Added ${j.id} (${j.name}); next run ${when(j.state?.nextRunAtMs)}`]),
});

export const edit = defineCommand({
  meta: { name: "edit", description: "Change a job" },
  args: { ...idArg, ...jobArgs, enable: { type: "boolean", description: "Enable the job" }, disable: { type: "boolean", description: "Disable the job" }, ...common },
  run: (context) => callAndPrint(context, "Cron edit failed", "cron.update", () => ({ id: jobId(context.args), patch: editPatch(context.args) }), (j) => [`Updated ${j.id}; next run ${when(j.state?.nextRunAtMs)}`]),
});

export const remove = defineCommand({
  meta: { name: "remove", description: "Remove a job" },
  args: { ...idArg, ...common },
  run: (context) => callAndPrint(context, "Cron remove failed", "cron.remove", () => ({ id: jobId(context.args) }), (p) => [p.removed ? "Removed." : "No such job."]),
});

export const run = defineCommand({
  meta: { name: "run", description: "Run a job now" },
  args: { ...idArg, due: { type: "boolean", description: "Only if the job is due" }, ...common },
  run: (context) =>
    callAndPrint(context, "Cron run failed", "cron.run", () => ({ id: jobId(context.args), mode: context.args.due ? "due" : "force" }), (p) => [p.enqueued ? `Started run ${p.runId}` : `Not run: ${p.reason ?? "unknown"}`]),
});

export const runs = defineCommand({
  meta: { name: "runs", description: "Run history of a job" },
  args: {
    ...idArg,
    limit: { type: "string", description: "At most this many entries (default 50)", valueHint: "n" },
    offset: { type: "string", description: "Skip this many entries", valueHint: "n" },
    status: { type: "string", description: "all | ok | error | skipped", valueHint: "status" },
    sort: { type: "string", description: "asc | desc", valueHint: "dir" },
    ...common,
  },
  run: (context) =>
    callAndPrint(
      context,
      "Cron runs failed",
      "cron.runs",
      () => {
        const a = context.args;
        const params: Record<string, unknown> = { id: jobId(a) };
        if (str(a.limit)) params.limit = Number(a.limit);
        if (str(a.offset)) params.offset = Number(a.offset);
        if (str(a.status)) params.status = str(a.status);
        if (str(a.sort)) params.sortDir = str(a.sort);
        return params;
      },
      (p) => (p.entries.length === 0 ? ["No runs."] : table(["AT", "STATUS", "DURATION", "ERROR"], p.entries.map((e: any) => [when(e.runAtMs ?? e.ts), e.status ?? "-", `${e.durationMs ?? 0}ms`, e.error ?? ""]))),
    ),
});

export const status = defineCommand({
  meta: { name: "status", description: "Scheduler status" },
  args: { ...common },
  run: (context) => callAndPrint(context, "Cron status failed", "cron.status", () => ({}), (p) => [`Scheduler: ${p.enabled ? "enabled" : "disabled"}`, `Jobs: ${p.jobs ?? 0}`, `Next wake: ${when(p.nextWakeAtMs)}`, `Store: ${p.storePath ?? "-"}`]),
});
