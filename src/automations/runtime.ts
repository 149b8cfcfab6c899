// The automations runtime, loaded on first use: the job store, the scheduler, one system-owned heartbeat
// job per agent, and what running a job means (a system event into a main session, an isolated agent turn,
// a heartbeat turn). Output reaches chats through the channels feature (handed in by the composition); a
// target that cannot be reached is recorded as not delivered (an error unless best-effort), never a crash.
import { existsSync } from "node:fs";
import { HEARTBEAT_RUN_PREFIX } from "../agents/heartbeat-ack.ts";
import { canonicalKey } from "../agents/keys.ts";
import type { AgentsService, ChannelDelivery } from "../agents/methods.ts";
import type { ConfigSnapshot } from "../config/load.ts";
import type { Clock } from "./clock.ts";
import { announce, heartbeatRoute, heartbeatVisibility, sendAlert } from "./delivery.ts";
import { classifyReply, heartbeatPlans, WakeLimiter, withinActiveHours, type HeartbeatPlan } from "./heartbeat.ts";
import { Scheduler, type CronEvent } from "./scheduler.ts";
import { CronStore, cronStorePath, type RunQuery } from "./store.ts";
import type { SystemEventQueue, WakeMode } from "./system-events.ts";
import type { CronJob, RunLogEntry, RunOutcome } from "./types.ts";

export interface HeartbeatEvent {
  ts: number;
  status: "sent" | "ok-empty" | "ok-token" | "skipped" | "failed";
  preview?: string;
  durationMs?: number;
  reason?: string;
  silent?: boolean;
  indicatorType?: "ok" | "alert" | "error";
  agentId?: string;
  sessionKey?: string;
  /** Why a skip happened, for people (target-none, no-route). */
  message?: string;
  /** Where a `sent` alert went. */
  channel?: string;
  to?: string;
  accountId?: string;
}

export interface RuntimeDeps {
  config: () => ConfigSnapshot;
  agents: AgentsService;
  /** The channels feature's sending side, when this build mounts one. */
  delivery?: () => ChannelDelivery | undefined;
  queue: SystemEventQueue;
  clock: Clock;
  /** The gateway's environment (OPENCLAW_SKIP_CRON). */
  env?: Record<string, string | undefined>;
  emitCron(event: CronEvent): void;
  emitHeartbeat(event: HeartbeatEvent): void;
  log: { info(msg: string): void; warn(msg: string): void };
}

const heartbeatJobId = (agentId: string) => `heartbeat:${agentId}`;
/** What an operator reads on a skip that configuration (not a failure) caused, as the reference words it. */
const SKIP_MESSAGES: Record<string, string> = {
  "target-none": "Heartbeat delivery is disabled by configuration (target: none).",
  "no-route": "Heartbeat has no delivery route yet. Message your bot once, or set agents.defaults.heartbeat.target.",
};
const PREVIEW_CHARS = 200;

export class AutomationsRuntime {
  readonly scheduler: Scheduler;
  readonly limiter = new WakeLimiter();
  lastHeartbeat: HeartbeatEvent | null = null;
  heartbeatsOn = true;
  #store: CronStore | undefined;
  #plans: HeartbeatPlan[] = [];
  #eventWakes = new Map<string, string>();
  #deps: RuntimeDeps;

  constructor(deps: RuntimeDeps) {
    this.#deps = deps;
    this.scheduler = new Scheduler({
      clock: deps.clock,
      store: (create) => (this.#store ??= create || existsSync(this.storePath) ? CronStore.open(this.storePath) : undefined),
      execute: (job, run) => this.#execute(job, run),
      emit: deps.emitCron,
      log: deps.log,
      skipMissedJobs: () => (deps.config().config as { cron?: { skipMissedJobs?: boolean } }).cron?.skipMissedJobs === true,
      enabled: () => this.cronEnabled,
    });
  }

  /**
   * `cron.enabled: false` (or OPENCLAW_SKIP_CRON=1 in the gateway's environment) pauses every scheduled run,
   * heartbeat cadence included; manual runs and event-driven heartbeat wakes still happen. `cron.status` says so.
   */
  get cronEnabled(): boolean {
    const skip = this.#deps.env?.OPENCLAW_SKIP_CRON?.trim().toLowerCase();
    if (skip === "1" || skip === "true") return false;
    return (this.#deps.config().config as { cron?: { enabled?: boolean } }).cron?.enabled !== false;
  }

  get storePath(): string {
    return cronStorePath(this.#deps.config().paths.stateDir);
  }

  async start(): Promise<void> {
    if (!this.cronEnabled) this.#deps.log.warn("automations are paused (cron.enabled: false or OPENCLAW_SKIP_CRON=1): no scheduled job or heartbeat runs");
    await this.scheduler.start();
    await this.syncHeartbeats(this.#deps.config());
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await Promise.race([this.scheduler.settled(), new Promise((resolve) => setTimeout(resolve, 2000))]);
    this.#store?.close();
    this.#store = undefined;
  }

  /** One system job per agent; its cadence is on only for heartbeat-enabled agents while heartbeats are on. */
  async syncHeartbeats(snapshot: ConfigSnapshot): Promise<void> {
    this.#plans = heartbeatPlans(snapshot).plans;
    for (const plan of this.#plans) await this.#heartbeatJob(plan);
  }

  async #heartbeatJob(plan: HeartbeatPlan): Promise<CronJob> {
    const now = this.#deps.clock.now();
    const id = heartbeatJobId(plan.agentId);
    const existing = this.scheduler.systemJob(id);
    const enabled = plan.enabled && this.heartbeatsOn;
    const everyMs = plan.everyMs ?? 1_800_000;
    // Unchanged settings keep the job as it is: re-putting it would restart its cadence from now.
    if (existing && existing.enabled === enabled && existing.schedule.kind === "every" && existing.schedule.everyMs === everyMs) return existing;
    const job: CronJob = {
      id,
      name: `Heartbeat (${plan.agentId})`,
      enabled,
      createdAtMs: existing?.createdAtMs ?? now,
      updatedAtMs: now,
      schedule: { kind: "every", everyMs, anchorMs: existing?.createdAtMs ?? now },
      sessionTarget: "main",
      wakeMode: "now",
      payload: { kind: "heartbeat", agentId: plan.agentId },
      state: existing?.state ?? {},
    };
    return this.scheduler.put(job, { system: true });
  }

  async setHeartbeats(enabled: boolean): Promise<void> {
    this.heartbeatsOn = enabled;
    await this.syncHeartbeats(this.#deps.config());
  }

  /** Queues the text on the session; `now` asks for a heartbeat turn at the next tick the rate limits allow. */
  async wake(params: { text: string; mode: WakeMode; agentId?: string; sessionKey?: string; source: string }): Promise<"queued" | "coalesced"> {
    const key = canonicalKey(params.sessionKey, params.agentId ?? "main");
    const outcome = this.#deps.queue.enqueue(key.key, { text: params.text, mode: params.mode, ts: this.#deps.clock.now(), source: params.source });
    if (params.mode === "now") await this.requestHeartbeat(key.agentId, params.source);
    return outcome;
  }

  /** An event-driven heartbeat: at least 30 s after the last one started, and the flood guard. */
  async requestHeartbeat(agentId: string, reason: string): Promise<number> {
    let job = this.scheduler.systemJob(heartbeatJobId(agentId));
    if (!job) {
      // An agent without a heartbeat gets a job with main's settings and no cadence, for this wake only.
      const plan = this.#plans.find((p) => p.agentId === agentId) ?? { ...this.#plans[0]!, agentId, enabled: false };
      job = await this.#heartbeatJob(plan);
    }
    const at = this.limiter.earliest(agentId, this.#deps.clock.now());
    this.#eventWakes.set(agentId, reason);
    this.scheduler.due(job.id, at);
    return at;
  }

  /** Run history from the store (`cron.runs`). */
  runs(query: RunQuery): { entries: RunLogEntry[]; total: number } {
    if (!this.#store && existsSync(this.storePath)) this.#store = CronStore.open(this.storePath);
    return this.#store?.runs(query) ?? { entries: [], total: 0 };
  }

  plans(): HeartbeatPlan[] {
    return this.#plans;
  }

  async #execute(job: CronJob, run: { runId: string; runAtMs: number; manual: boolean }): Promise<RunOutcome> {
    const payload = job.payload;
    if (payload.kind === "heartbeat") return this.#heartbeat(payload.agentId);
    const agentId = job.agentId ?? "main";
    if (payload.kind === "systemEvent") {
      const key = canonicalKey(job.sessionKey, agentId).key;
      this.#deps.queue.enqueue(key, { text: payload.text, mode: job.wakeMode, ts: this.#deps.clock.now(), source: `cron:${job.id}` });
      if (job.wakeMode === "now") await this.requestHeartbeat(agentId, `cron:${job.id}`);
      return { status: "ok", summary: payload.text.slice(0, PREVIEW_CHARS), sessionKey: key, deliveryStatus: "not-requested" };
    }
    const sessionKey =
      job.sessionTarget === "isolated"
        ? `agent:${agentId}:cron:${job.id}:run:${run.runId.split(":").pop()}`
        : job.sessionTarget.startsWith("session:")
          ? canonicalKey(job.sessionTarget.slice("session:".length), agentId).key
          : canonicalKey(job.sessionKey, agentId).key;
    const { run: agentRun } = this.#deps.agents.runs.start({
      runId: run.runId,
      agentId,
      sessionKey,
      input: { role: "user", content: payload.message },
      // A job's run is its own turn: its outcome is this run's, never that of a turn it was steered into.
      queueMode: "followup",
      steerable: false,
      modelOverride: payload.model,
      timeoutMs: payload.timeoutSeconds ? payload.timeoutSeconds * 1000 : 3_600_000,
    });
    const result = await agentRun.done;
    const outcome: RunOutcome = {
      status: result.status === "ok" ? "ok" : "error",
      error: result.error?.message,
      summary: result.text.slice(0, PREVIEW_CHARS) || undefined,
      sessionKey,
      sessionId: result.sessionId,
      model: result.model,
      provider: result.provider,
      usage: { input_tokens: result.usage.input, output_tokens: result.usage.output, total_tokens: result.usage.total },
    };
    return result.status === "ok" ? announce(job.delivery, outcome, result.text, agentId, this.#deps.delivery?.()) : outcome;
  }

  async #heartbeat(agentId: string): Promise<RunOutcome> {
    const now = this.#deps.clock.now();
    const eventReason = this.#eventWakes.get(agentId);
    this.#eventWakes.delete(agentId);
    const plan = this.#plans.find((p) => p.agentId === agentId) ?? this.#plans[0]!;
    const emit = (event: Omit<HeartbeatEvent, "ts">): RunOutcome => {
      const message = event.reason ? SKIP_MESSAGES[event.reason] : undefined;
      const payload: HeartbeatEvent = { ts: this.#deps.clock.now(), agentId, ...event, ...(message ? { message } : {}) };
      this.lastHeartbeat = payload;
      this.#deps.emitHeartbeat(payload);
      return { status: event.status === "failed" ? "error" : event.status === "skipped" ? "skipped" : "ok", error: event.status === "failed" ? event.reason : undefined };
    };
    if (!this.heartbeatsOn) return emit({ status: "skipped", reason: "disabled", durationMs: 0 });
    if (!eventReason && !withinActiveHours(plan, now)) return emit({ status: "skipped", reason: "quiet-hours", durationMs: 0 });
    const sessionKey = canonicalKey(plan.session, agentId).key;
    const route = await heartbeatRoute(plan, sessionKey, this.#deps.delivery?.());
    // A plain poll with nowhere to send an alert costs no model call; a wake carrying events still runs its turn.
    if ("skip" in route && route.skip === "no-route" && !eventReason) return emit({ status: "skipped", reason: "no-route", durationMs: 0, sessionKey });
    const target = "target" in route ? route.target : undefined;
    const show = heartbeatVisibility(this.#deps.config().config as Record<string, unknown>, target?.channel, target?.accountId);
    if (!show.showOk && !show.showAlerts && !show.useIndicator) return emit({ status: "skipped", reason: "alerts-disabled", durationMs: 0, sessionKey });
    const indicator = (type: "ok" | "alert" | "error") => (show.useIndicator ? { indicatorType: type } : {});
    this.limiter.started(agentId, now);
    let done;
    try {
      done = this.#deps.agents.runs.start({
        runId: `${HEARTBEAT_RUN_PREFIX}${agentId}:${now}:${crypto.randomUUID().slice(0, 8)}`,
        agentId,
        sessionKey,
        input: { role: "user", content: plan.prompt },
        queueMode: "followup",
        steerable: false,
        modelOverride: plan.model,
        timeoutMs: (plan.timeoutSeconds ?? Math.min(600, (plan.everyMs ?? 1_800_000) / 1000)) * 1000,
      }).run.done;
    } catch (error) {
      return emit({ status: "failed", reason: (error as Error).message, durationMs: 0, ...indicator("error"), sessionKey });
    }
    const result = await done;
    const durationMs = Math.max(0, this.#deps.clock.now() - now);
    if (result.status !== "ok") return emit({ status: "failed", reason: result.error?.message ?? result.status, durationMs, ...indicator("error"), sessionKey });
    const reply = classifyReply(result.text, plan.ackMaxChars);
    if (reply.silent) {
      // An acknowledgement stays silent unless the target's visibility asks to see OKs (showOk).
      const okFailure = show.showOk && target ? await sendAlert(this.#deps.delivery!()!, target, "HEARTBEAT_OK") : undefined;
      return emit({ status: reply.status, silent: !(show.showOk && target && !okFailure), durationMs, ...indicator("ok"), sessionKey, reason: eventReason ?? (okFailure ? `delivery failed: ${okFailure}` : undefined) });
    }
    // A real message: recorded in the session's transcript by the run, and sent to the heartbeat's target.
    const preview = reply.text.slice(0, PREVIEW_CHARS);
    if (!target) return emit({ status: "skipped", reason: "skip" in route ? route.skip : "no-route", preview, silent: false, durationMs, ...indicator("alert"), sessionKey });
    if (!show.showAlerts) return emit({ status: "skipped", reason: "alerts-disabled", preview, silent: false, durationMs, ...indicator("alert"), sessionKey });
    const failure = await sendAlert(this.#deps.delivery!()!, target, reply.text);
    const sent = { preview, silent: false, durationMs: Math.max(0, this.#deps.clock.now() - now), sessionKey, channel: target.channel, to: target.to, accountId: target.accountId };
    if (failure) return emit({ ...sent, status: "failed", reason: `delivery failed: ${failure}`, ...indicator("error") });
    return emit({ ...sent, status: "sent", ...indicator("alert") });
  }
}
