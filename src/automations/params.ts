// Validation of cron.* params, closed like the reference's schemas: `cron.add` input → a stored job, and a
// `cron.update` patch applied to one. Kinds this gateway cannot run (on-exit, stream, command, script) are
// refused with a clear error instead of being stored and never firing.
import { z } from "zod";
import { GatewayError } from "../protocol/errors.ts";
import { describeIssue } from "../protocol/issues.ts";
import { atMs, loadCronEngine, parseDuration, validateCron } from "./schedule.ts";
import type { CronJob } from "./types.ts";

const NonEmpty = z.string().min(1);
const MAX_TS = 8_640_000_000_000_000;

export const Schedule = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("at"), at: NonEmpty }),
  z.strictObject({ kind: z.literal("every"), everyMs: z.number().int().min(1).max(MAX_TS), anchorMs: z.number().int().min(0).max(MAX_TS).optional() }),
  z.strictObject({ kind: z.literal("cron"), expr: NonEmpty, tz: z.string().optional(), staggerMs: z.number().int().min(0).max(MAX_TS).optional() }),
]);

export const Payload = z.discriminatedUnion("kind", [
  z.strictObject({ kind: z.literal("systemEvent"), text: NonEmpty, toolsAllow: z.array(z.string()).optional(), toolsAllowIsDefault: z.boolean().optional() }),
  z.strictObject({
    kind: z.literal("agentTurn"),
    message: NonEmpty,
    model: z.string().optional(),
    fallbacks: z.array(z.string()).optional(),
    toolsAllow: z.array(z.string()).optional(),
    thinking: z.string().optional(),
    timeoutSeconds: z.number().min(0).optional(),
    lightContext: z.boolean().optional(),
  }),
]);

const Delivery = z.strictObject({
  mode: z.enum(["none", "announce", "webhook"]),
  channel: z.string().min(1).optional(),
  to: z.string().min(1).optional(),
  accountId: NonEmpty.optional(),
  threadId: z.union([z.string(), z.number()]).optional(),
  bestEffort: z.boolean().optional(),
});

const SessionTarget = z.union([z.enum(["main", "isolated", "current"]), z.string().regex(/^session:.+/)]);

export const AddParams = z.strictObject({
  name: NonEmpty,
  description: z.string().optional(),
  agentId: NonEmpty.nullable().optional(),
  sessionKey: NonEmpty.nullable().optional(),
  enabled: z.boolean().optional(),
  deleteAfterRun: z.boolean().optional(),
  schedule: Schedule,
  sessionTarget: SessionTarget,
  wakeMode: z.enum(["next-heartbeat", "now"]),
  payload: Payload,
  delivery: Delivery.optional(),
  displayName: z.string().min(1).max(200).optional(),
  failureAlert: z.unknown().optional(),
});

export const Patch = z.strictObject({
  name: NonEmpty.optional(),
  description: z.string().optional(),
  agentId: NonEmpty.nullable().optional(),
  sessionKey: NonEmpty.nullable().optional(),
  enabled: z.boolean().optional(),
  deleteAfterRun: z.boolean().optional(),
  schedule: Schedule.optional(),
  sessionTarget: SessionTarget.optional(),
  wakeMode: z.enum(["next-heartbeat", "now"]).optional(),
  payload: Payload.optional(),
  delivery: Delivery.partial().optional(),
  displayName: z.string().min(1).max(200).nullable().optional(),
  failureAlert: z.unknown().optional(),
  state: z.record(z.string(), z.unknown()).optional(),
});

/** Parses params; a failure reads `invalid <method> params: <where>: <what>` and changes nothing. */
export function parse<T extends z.ZodType>(method: string, schema: T, params: unknown): z.infer<T> {
  const result = schema.safeParse(params ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const unsupported = issue.code === "invalid_union" && /kind/.test(JSON.stringify(issue.path));
  throw new GatewayError("INVALID_REQUEST", `invalid ${method} params: ${describeIssue(issue)}${unsupported ? " (this gateway runs at, every and cron schedules with systemEvent or agentTurn payloads)" : ""}`);
}

/** Checks what the schema cannot: the `at` instant, the cron expression and time zone, the payload/target pairing. */
export async function checkJob(method: string, job: Pick<CronJob, "schedule" | "payload" | "sessionTarget">): Promise<void> {
  const bad = (message: string) => new GatewayError("INVALID_REQUEST", `invalid ${method} params: ${message}`);
  const schedule = job.schedule;
  if (schedule.kind === "at") {
    const relative = parseDuration(schedule.at);
    if (atMs(schedule.at) === undefined && relative === undefined) throw bad(`schedule.at: not an ISO 8601 time or a duration ("${schedule.at}")`);
  }
  if (schedule.kind === "cron") {
    await loadCronEngine();
    try {
      validateCron(schedule.expr, schedule.tz);
    } catch (error) {
      throw bad(`schedule: ${(error as Error).message}`);
    }
  }
  if (job.sessionTarget === "main" && job.payload.kind !== "systemEvent") throw bad('sessionTarget "main" takes a systemEvent payload');
  if (job.sessionTarget !== "main" && job.payload.kind === "systemEvent") throw bad(`a systemEvent payload runs on sessionTarget "main"`);
}

/** A relative `at` ("20m") becomes an absolute ISO instant when the job is stored. */
export function absoluteAt(at: string, nowMs: number): string {
  if (atMs(at) !== undefined && !/^\d+[a-z]/i.test(at.trim())) return at;
  const relative = parseDuration(at);
  return relative === undefined ? at : new Date(nowMs + relative).toISOString();
}
