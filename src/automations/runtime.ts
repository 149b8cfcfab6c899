// The automations runtime, loaded on first use: the job store, the scheduler, one system-owned heartbeat
// job per agent, and what running a job means (a system event into a main session, an isolated agent turn,
// a heartbeat turn). Delivery to channels waits for the channel runtime: a target naming a channel is
// recorded as not delivered (an error unless best-effort), never a crash.
import { existsSync } from "node:fs";
import { canonicalKey } from "../agents/keys.ts";
import type { AgentsService } from "../agents/methods.ts";
import type { ConfigSnapshot } from "../config/load.ts";
import type { Clock } from "./clock.ts";
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
}

export interface RuntimeDeps {
  config: () => ConfigSnapshot;
  agents: AgentsService;
  queue: SystemEventQueue;
  clock: Clock;
  emitCron(event: CronEvent): void;
  emitHeartbeat(event: HeartbeatEvent): void;
  log: { info(msg: string): void; warn(msg: string): void };
}

const heartbeatJobId = (agentId: string) => `heartbeat:${agentId}`;
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
      enabled: () => (deps.config().config as { cron?: { enabled?: boolean } }).cron?.enabled !== false,
    });
  }

  get storePath(): string {
    return cronStorePath(this.#deps.config().paths.stateDir);
  }

  async start(): Promise<void> {
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
    const existing = this.scheduler.get(id) ?? undefined;
    const job: CronJob = {
      id,
      name: `Heartbeat (${plan.agentId})`,
      enabled: plan.enabled && this.heartbeatsOn,
      createdAtMs: existing?.createdAtMs ?? now,
      updatedAtMs: now,
      schedule: { kind: "every", everyMs: plan.everyMs ?? 1_800_000, anchorMs: existing?.createdAtMs ?? now },
      sessionTarget: "main",
      wakeMode: "now",
      payload: { kind: "heartbeat", agentId: plan.agentId },
      state: {},
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
    let job = this.scheduler.get(heartbeatJobId(agentId)) ?? undefined;
    if (!job) {
      const plan = heartbeatPlans(this.#deps.config()).plans.find((p) => p.agentId === agentId) ?? { ...heartbeatPlans(this.#deps.config()).plans[0]!, agentId, enabled: false };
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
    return result.status === "ok" ? this.#deliver(job, outcome) : outcome;
  }

  /** No channel runtime in this build: an explicit target is not delivered (an error unless best-effort). */
  #deliver(job: CronJob, outcome: RunOutcome): RunOutcome {
    const delivery = job.delivery;
    if (!delivery || delivery.mode === "none") return { ...outcome, deliveryStatus: "not-requested" };
    const explicit = delivery.mode === "webhook" || (delivery.channel !== undefined && delivery.channel !== "last") || delivery.to !== undefined;
    const error =
      delivery.mode === "webhook"
        ? "webhook delivery is not available on this gateway"
        : delivery.channel && delivery.channel !== "last"
          ? `delivery channel "${delivery.channel}" is not available on this gateway`
          : "no delivery route: no channel is connected to this gateway";
    const failed = explicit && !delivery.bestEffort;
    return { ...outcome, status: failed ? "error" : outcome.status, error: failed ? error : outcome.error, delivered: false, deliveryStatus: "not-delivered", deliveryError: error };
  }

  async #heartbeat(agentId: string): Promise<RunOutcome> {
    const now = this.#deps.clock.now();
    const eventReason = this.#eventWakes.get(agentId);
    this.#eventWakes.delete(agentId);
    const plan = this.#plans.find((p) => p.agentId === agentId) ?? heartbeatPlans(this.#deps.config()).plans[0]!;
    const emit = (event: Omit<HeartbeatEvent, "ts">): RunOutcome => {
      const payload: HeartbeatEvent = { ts: this.#deps.clock.now(), agentId, ...event };
      this.lastHeartbeat = payload;
      this.#deps.emitHeartbeat(payload);
      return { status: event.status === "failed" ? "error" : event.status === "skipped" ? "skipped" : "ok", error: event.status === "failed" ? event.reason : undefined };
    };
    if (!this.heartbeatsOn) return emit({ status: "skipped", reason: "disabled", durationMs: 0 });
    if (!eventReason && !withinActiveHours(plan, now)) return emit({ status: "skipped", reason: "quiet-hours", durationMs: 0 });
    this.limiter.started(agentId, now);
    const sessionKey = canonicalKey(plan.session, agentId).key;
    let done;
    try {
      done = this.#deps.agents.runs.start({
        runId: `heartbeat:${agentId}:${now}:${crypto.randomUUID().slice(0, 8)}`,
        agentId,
        sessionKey,
        input: { role: "user", content: plan.prompt },
        queueMode: "followup",
        modelOverride: plan.model,
        timeoutMs: (plan.timeoutSeconds ?? Math.min(600, (plan.everyMs ?? 1_800_000) / 1000)) * 1000,
      }).run.done;
    } catch (error) {
      return emit({ status: "failed", reason: (error as Error).message, durationMs: 0, indicatorType: "error", sessionKey });
    }
    const result = await done;
    const durationMs = Math.max(0, this.#deps.clock.now() - now);
    if (result.status !== "ok") return emit({ status: "failed", reason: result.error?.message ?? result.status, durationMs, indicatorType: "error", sessionKey });
    const reply = classifyReply(result.text, plan.ackMaxChars);
    if (reply.silent) return emit({ status: reply.status, silent: true, durationMs, indicatorType: "ok", sessionKey, reason: eventReason });
    // A real message: recorded in the session's transcript by the run; channel delivery needs a connected channel.
    const route = plan.target === "none" ? "target-none" : "no-route";
    return emit({ status: "skipped", reason: route, preview: reply.text.slice(0, PREVIEW_CHARS), silent: false, durationMs, indicatorType: "alert", sessionKey });
  }
}
