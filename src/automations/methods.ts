// The automation RPCs: cron.* (shapes of the reference), wake, system-event, last-heartbeat, set-heartbeats.
// Each handler loads the runtime on first use, so a gateway nobody schedules anything on never opens the store.
import { z } from "zod";
import type { MethodFamily } from "../methods/types.ts";
import { GatewayError } from "../protocol/errors.ts";
import { absoluteAt, AddParams, checkJob, parse, Patch } from "./params.ts";
import type { AutomationsRuntime } from "./runtime.ts";
import type { CronJob, RunStatus } from "./types.ts";

const ById = z.union([z.strictObject({ id: z.string().min(1) }), z.strictObject({ jobId: z.string().min(1) })]);
const RunParams = z.union([
  z.strictObject({ id: z.string().min(1), mode: z.enum(["due", "force", "if-enabled"]).optional(), expectedProcessInstanceId: z.string().min(1).optional() }),
  z.strictObject({ jobId: z.string().min(1), mode: z.enum(["due", "force", "if-enabled"]).optional(), expectedProcessInstanceId: z.string().min(1).optional() }),
]);
const UpdateParams = z.union([
  z.strictObject({ id: z.string().min(1), patch: Patch, expectedConfigRevision: z.string().min(1).max(128).optional() }),
  z.strictObject({ jobId: z.string().min(1), patch: Patch, expectedConfigRevision: z.string().min(1).max(128).optional() }),
]);
const ListParams = z.strictObject({
  sessionKey: z.string().min(1).optional(),
  sessionAgentId: z.string().min(1).optional(),
  includeDisabled: z.boolean().optional(),
  limit: z.number().int().min(1).max(200).optional(),
  offset: z.number().int().min(0).optional(),
  query: z.string().optional(),
  enabled: z.enum(["all", "enabled", "disabled"]).optional(),
  scheduleKind: z.enum(["all", "at", "every", "cron", "on-exit", "stream"]).optional(),
  lastRunStatus: z.enum(["all", "ok", "error", "skipped", "unknown"]).optional(),
  trigger: z.enum(["all", "conditional", "unconditional"]).optional(),
  sortBy: z.enum(["nextRunAtMs", "updatedAtMs", "name"]).optional(),
  sortDir: z.enum(["asc", "desc"]).optional(),
  agentId: z.string().min(1).optional(),
  compact: z.boolean().optional(),
  includeDeliveryPreviews: z.boolean().optional(),
});
const RunsParams = z.strictObject({
  agentId: z.string().min(1).optional(),
  scope: z.enum(["job", "all"]).optional(),
  id: z.string().regex(/^[^/\\]+$/).optional(),
  jobId: z.string().regex(/^[^/\\]+$/).optional(),
  runId: z.string().min(1).optional(),
  limit: z.number().int().min(1).max(200).optional(),
  offset: z.number().int().min(0).optional(),
  statuses: z.array(z.enum(["ok", "error", "skipped"])).min(1).max(3).optional(),
  status: z.enum(["all", "ok", "error", "skipped"]).optional(),
  deliveryStatuses: z.array(z.string()).min(1).max(4).optional(),
  deliveryStatus: z.string().optional(),
  query: z.string().optional(),
  sortDir: z.enum(["asc", "desc"]).optional(),
});
const WakeParams = z.looseObject({ mode: z.enum(["now", "next-heartbeat"]), text: z.string().min(1), sessionKey: z.string().min(1).optional(), agentId: z.string().min(1).optional() });
const SystemEventParams = z.strictObject({
  text: z.string(),
  idempotencyKey: z.string().min(1).optional(),
  sessionKey: z.string().optional(),
  wake: z.boolean().optional(),
  deviceId: z.string().optional(),
  instanceId: z.string().optional(),
  host: z.string().optional(),
  ip: z.string().optional(),
  mode: z.string().optional(),
  version: z.string().optional(),
  platform: z.string().optional(),
  deviceFamily: z.string().optional(),
  modelIdentifier: z.string().optional(),
  lastInputSeconds: z.number().optional(),
  reason: z.string().optional(),
  roles: z.array(z.string()).optional(),
  scopes: z.array(z.string()).optional(),
  tags: z.array(z.string()).optional(),
});
const MAX_SCRATCH = 262_144;

/** The job as the RPC returns it: the stored record with its state's run facts mirrored at the top. */
export function publicJob(job: CronJob): Record<string, unknown> {
  const s = job.state;
  const out: Record<string, unknown> = { ...job, state: { ...s } };
  if (s.nextRunAtMs !== undefined) out.nextRunAtMs = s.nextRunAtMs;
  if (s.lastRunAtMs !== undefined) out.lastRunAtMs = s.lastRunAtMs;
  if (s.lastRunStatus !== undefined) out.lastRunStatus = s.lastRunStatus;
  if (s.lastError !== undefined) out.lastRunError = s.lastError;
  if (s.lastDelivered !== undefined) out.lastDelivered = s.lastDelivered;
  if (s.lastDeliveryStatus !== undefined) out.lastDeliveryStatus = s.lastDeliveryStatus;
  if (s.lastDeliveryError !== undefined) out.lastDeliveryError = s.lastDeliveryError;
  return out;
}

function jobOf(rt: AutomationsRuntime, id: string): CronJob {
  const job = rt.scheduler.get(id);
  if (!job) throw new GatewayError("INVALID_REQUEST", `unknown cron job id: ${id}`);
  return job;
}

export function automationMethods(runtime: () => Promise<AutomationsRuntime>, now: () => number): MethodFamily {
  const scratch = new Map<string, { content: string; revision: number; updatedAtMs: number }>();
  // Revisions restart with each generation; the epoch keeps a restarted gateway's "r0" from matching an old one.
  const epoch = crypto.randomUUID().slice(0, 8);
  return {
    "cron.status": async (params) => {
      parse("cron.status", z.strictObject({}), params);
      const rt = await runtime();
      const cfg = rt.scheduler;
      return { enabled: rt.cronEnabled, storage: "sqlite", storePath: rt.storePath, sqlitePath: rt.storePath, jobs: cfg.list().length, nextWakeAtMs: cfg.list().reduce<number | null>((min, j) => (j.enabled && j.state.nextRunAtMs !== undefined && (min === null || j.state.nextRunAtMs < min) ? j.state.nextRunAtMs : min), null) };
    },
    "cron.list": async (params) => {
      const p = parse("cron.list", ListParams, params);
      const rt = await runtime();
      const query = p.query?.trim().toLowerCase();
      const enabled = p.enabled ?? (p.includeDisabled ? "all" : "enabled");
      let jobs = rt.scheduler.list().filter((job) => {
        if (enabled === "enabled" && !job.enabled) return false;
        if (enabled === "disabled" && job.enabled) return false;
        if (p.scheduleKind && p.scheduleKind !== "all" && job.schedule.kind !== p.scheduleKind) return false;
        if (p.lastRunStatus && p.lastRunStatus !== "all" && (job.state.lastRunStatus ?? "unknown") !== p.lastRunStatus) return false;
        if (p.agentId && (job.agentId ?? "main") !== p.agentId) return false;
        if (p.trigger === "conditional") return false;
        return !query || `${job.name} ${job.description ?? ""} ${job.id}`.toLowerCase().includes(query);
      });
      const dir = p.sortDir === "desc" ? -1 : 1;
      const by = p.sortBy ?? "nextRunAtMs";
      jobs = jobs.sort((a, b) => {
        if (by === "name") return dir * a.name.localeCompare(b.name);
        const av = by === "updatedAtMs" ? a.updatedAtMs : (a.state.nextRunAtMs ?? Number.MAX_SAFE_INTEGER);
        const bv = by === "updatedAtMs" ? b.updatedAtMs : (b.state.nextRunAtMs ?? Number.MAX_SAFE_INTEGER);
        return dir * (av - bv);
      });
      const offset = p.offset ?? 0;
      const limit = p.limit ?? 50;
      const page = jobs.slice(offset, offset + limit);
      const hasMore = offset + page.length < jobs.length;
      return { jobs: page.map((job) => ({ ...publicJob(job), effectiveAgentId: job.agentId ?? "main" })), total: jobs.length, offset, limit, hasMore, nextOffset: hasMore ? offset + page.length : null, snapshotRevision: `${epoch}-${rt.scheduler.revision}`, scope: "gateway" };
    },
    "cron.get": async (params) => {
      const p = parse("cron.get", ById, params);
      return publicJob(jobOf(await runtime(), "id" in p ? p.id : p.jobId));
    },
    "cron.add": async (params) => {
      const p = parse("cron.add", AddParams, params);
      await checkJob("cron.add", p);
      const rt = await runtime();
      const t = now();
      const schedule = p.schedule.kind === "at" ? { ...p.schedule, at: absoluteAt(p.schedule.at, t) } : p.schedule;
      const job: CronJob = {
        id: crypto.randomUUID(),
        ...(p.agentId ? { agentId: p.agentId } : {}),
        ...(p.sessionKey ? { sessionKey: p.sessionKey } : {}),
        name: p.name,
        ...(p.description !== undefined ? { description: p.description } : {}),
        enabled: p.enabled ?? true,
        ...(p.deleteAfterRun !== undefined ? { deleteAfterRun: p.deleteAfterRun } : schedule.kind === "at" ? { deleteAfterRun: true } : {}),
        createdAtMs: t,
        updatedAtMs: t,
        schedule,
        sessionTarget: p.sessionTarget,
        wakeMode: p.wakeMode,
        payload: p.payload,
        ...(p.delivery ? { delivery: p.delivery } : {}),
        state: {},
      };
      return publicJob(await rt.scheduler.put(job, { event: "added" }));
    },
    "cron.update": async (params) => {
      const p = parse("cron.update", UpdateParams, params);
      const rt = await runtime();
      const current = jobOf(rt, "id" in p ? p.id : p.jobId);
      const { state: _state, delivery, agentId, sessionKey, displayName: _d, failureAlert: _f, ...rest } = p.patch;
      const next: CronJob = { ...current, ...rest, state: { ...current.state }, updatedAtMs: now() };
      if (agentId !== undefined) next.agentId = agentId ?? undefined;
      if (sessionKey !== undefined) next.sessionKey = sessionKey ?? undefined;
      if (delivery) next.delivery = { mode: "none", ...current.delivery, ...delivery } as CronJob["delivery"];
      if (next.schedule.kind === "at") next.schedule = { ...next.schedule, at: absoluteAt(next.schedule.at, now()) };
      await checkJob("cron.update", next);
      return publicJob(await rt.scheduler.put(next, { event: "updated" }));
    },
    "cron.remove": async (params) => {
      const p = parse("cron.remove", ById, params);
      const removed = (await runtime()).scheduler.remove("id" in p ? p.id : p.jobId);
      return { ok: true, removed };
    },
    "cron.run": async (params) => {
      const p = parse("cron.run", RunParams, params);
      const rt = await runtime();
      const id = "id" in p ? p.id : p.jobId;
      jobOf(rt, id);
      const started = rt.scheduler.runNow(id, p.mode ?? "force");
      return started.ran ? { ok: true, enqueued: true, runId: started.runId } : { ok: true, ran: false, reason: started.reason };
    },
    "cron.runs": async (params) => {
      const p = parse("cron.runs", RunsParams, params);
      const rt = await runtime();
      const jobId = p.scope === "all" ? undefined : (p.id ?? p.jobId);
      if (p.scope !== "all" && !jobId) throw new GatewayError("INVALID_REQUEST", "invalid cron.runs params: id or jobId required (or scope: \"all\")");
      const statuses: RunStatus[] | undefined = p.statuses ?? (p.status && p.status !== "all" ? [p.status] : undefined);
      const offset = p.offset ?? 0;
      const limit = p.limit ?? 50;
      const { entries, total } = rt.runs({ jobId, statuses, limit, offset, sortDir: p.sortDir ?? "desc" });
      const hasMore = offset + entries.length < total;
      return { entries, total, offset, limit, hasMore, nextOffset: hasMore ? offset + entries.length : null };
    },
    "cron.scratch.get": async (params) => {
      const p = parse("cron.scratch.get", ById, params);
      const id = "id" in p ? p.id : p.jobId;
      jobOf(await runtime(), id);
      const entry = scratch.get(id) ?? null;
      return { scratch: entry, currentRevision: entry?.revision ?? 0, maxBytes: MAX_SCRATCH };
    },
    "cron.scratch.set": async (params) => {
      const Body = { content: z.string().max(MAX_SCRATCH).nullable(), expectedRevision: z.number().int().min(0).optional() };
      const p = parse("cron.scratch.set", z.union([z.strictObject({ id: z.string().min(1), ...Body }), z.strictObject({ jobId: z.string().min(1), ...Body })]), params);
      const id = "id" in p ? p.id : p.jobId;
      jobOf(await runtime(), id);
      const current = scratch.get(id);
      const revision = current?.revision ?? 0;
      if (p.expectedRevision !== undefined && p.expectedRevision !== revision) return { ok: false, reason: "revision-conflict", currentRevision: revision };
      const entry = p.content === null ? null : { content: p.content, revision: revision + 1, updatedAtMs: now() };
      if (entry) scratch.set(id, entry);
      else scratch.delete(id);
      return { ok: true, scratch: entry, currentRevision: entry?.revision ?? revision, maxBytes: MAX_SCRATCH };
    },
    wake: async (params) => {
      const p = parse("wake", WakeParams, params);
      await (await runtime()).wake({ text: p.text, mode: p.mode, agentId: p.agentId, sessionKey: p.sessionKey, source: "rpc" });
      return { ok: true };
    },
    "system-event": async (params) => {
      const p = parse("system-event", SystemEventParams, params);
      if (!p.text.trim()) throw new GatewayError("INVALID_REQUEST", "text required");
      await (await runtime()).wake({ text: p.text.trim(), mode: p.wake ? "now" : "next-heartbeat", sessionKey: p.sessionKey, source: "system-event" });
      return { ok: true };
    },
    "last-heartbeat": async () => (await runtime()).lastHeartbeat,
    "set-heartbeats": async (params) => {
      const p = z.looseObject({ enabled: z.boolean() }).safeParse(params ?? {});
      if (!p.success) throw new GatewayError("INVALID_REQUEST", "invalid set-heartbeats params: enabled (boolean) required");
      await (await runtime()).setHeartbeats(p.data.enabled);
      return { ok: true, enabled: p.data.enabled };
    },
  };
}
