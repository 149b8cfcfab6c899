// The scheduler: every job in memory, one timer armed for the earliest due instant (at most a minute away,
// so a stepped wall clock is noticed), at most 8 runs at once (the reference's limit). Each run is written
// twice: a `running` row before it starts and the finished entry after, each in one transaction with the
// job's state; a row still `running` at start belonged to a process that died, and is closed as interrupted.
// Enabled idle jobs sit in a heap by next run, so arming and finding due jobs never scans every job.
import type { Clock } from "./clock.ts";
import { before, DueQueue, type DueEntry } from "./due-queue.ts";
import { cronEngineLoaded, loadCronEngine, nextRunAt } from "./schedule.ts";
import type { CronStore } from "./store.ts";
import type { CronJob, RunLogEntry, RunOutcome } from "./types.ts";

export const MAX_CONCURRENT_RUNS = 8;
/** The longest the timer sleeps: a wall-clock step or a missed timer costs at most this. */
export const MAX_TIMER_DELAY_MS = 60_000;
/** Recurring jobs back off after consecutive errors (the reference: 30 s, 1 min, 5 min, 15 min, 60 min). */
export const ERROR_BACKOFF_MS = [30_000, 60_000, 300_000, 900_000, 3_600_000];
/** Restart catch-up as in the reference: 5 missed jobs at once, the rest 5 s apart, agent work after 2 min. */
export const MAX_MISSED_IMMEDIATE = 5;
export const MISSED_STAGGER_MS = 5_000;
export const MISSED_AGENT_DELAY_MS = 120_000;
export const INTERRUPTED_ERROR = "cron: job interrupted by gateway restart";

export interface CronEvent {
  jobId: string;
  action: "added" | "updated" | "removed" | "started" | "finished";
  job?: CronJob;
  runId?: string;
  runAtMs?: number;
  nextRunAtMs?: number;
  status?: string;
  error?: string;
  durationMs?: number;
  summary?: string;
  sessionKey?: string;
  delivered?: boolean;
  deliveryStatus?: string;
  deliveryError?: string;
}

export interface SchedulerDeps {
  clock: Clock;
  /** The job store; `create` on a write, so reads and heartbeat-only gateways never create the file. */
  store: (create?: boolean) => CronStore | undefined;
  execute(job: CronJob, run: { runId: string; runAtMs: number; manual: boolean }): Promise<RunOutcome>;
  emit(event: CronEvent): void;
  log: { info(msg: string): void; warn(msg: string): void };
  skipMissedJobs?: () => boolean;
  enabled?: () => boolean;
  maxConcurrent?: number;
}

/** True for jobs whose run is model work: at startup they wait, keeping model calls out of the boot. */
function waitsForAgent(job: CronJob): boolean {
  return job.payload.kind === "agentTurn" || (job.sessionTarget === "main" && job.payload.kind === "systemEvent" && job.wakeMode === "now");
}

export class Scheduler {
  #jobs = new Map<string, CronJob>();
  /** Each job's insertion rank: ties between equal instants start in the order jobs were added. */
  #seq = new Map<string, number>();
  #nextSeq = 0;
  /** Enabled jobs with a next run that are not running, earliest first. Forced wakes are kept apart (few). */
  #queue = new DueQueue();
  /** Gateway-owned jobs (heartbeats): scheduled like the rest, never stored or listed. */
  #system = new Set<string>();
  #running = new Map<string, Promise<void>>();
  /** Jobs made due by an event (a wake): they run once even while their own schedule is disabled. */
  #forced = new Set<string>();
  #timer: unknown;
  #armedFor: number | undefined;
  #stopped = false;
  #revision = 0;
  #deps: SchedulerDeps;

  constructor(deps: SchedulerDeps) {
    this.#deps = deps;
  }

  /** Changes whenever a user job is added, changed or removed: `cron.list`'s snapshotRevision. */
  get revision(): number {
    return this.#revision;
  }

  get running(): number {
    return this.#running.size;
  }

  /** Loads stored jobs, closes runs a dead process left open, applies the missed-run policy, arms the timer. */
  async start(): Promise<void> {
    const store = this.#deps.store();
    const now = this.#deps.clock.now();
    if (store) for (const job of store.jobs()) this.#add(job);
    if ([...this.#jobs.values()].some((job) => job.schedule.kind === "cron")) await loadCronEngine();
    if (store) this.#recoverInterrupted(store, now);
    // Only jobs whose next run changes below are written back, in one transaction (one fsync, not one per job).
    const loaded = new Map([...this.#jobs.values()].map((job) => [job, job.state.nextRunAtMs]));
    const missed: CronJob[] = [];
    for (const job of this.#jobs.values()) {
      if (!job.enabled) continue;
      job.state.nextRunAtMs ??= this.#next(job, now);
      if (job.state.nextRunAtMs === undefined || job.state.nextRunAtMs > now) continue;
      if (this.#deps.skipMissedJobs?.() && job.schedule.kind !== "at") job.state.nextRunAtMs = this.#next(job, now);
      else missed.push(job);
    }
    missed.sort((a, b) => a.state.nextRunAtMs! - b.state.nextRunAtMs!);
    let immediate = 0;
    for (const job of missed) {
      if (waitsForAgent(job)) job.state.nextRunAtMs = now + MISSED_AGENT_DELAY_MS;
      else if (immediate < MAX_MISSED_IMMEDIATE) immediate++;
      else job.state.nextRunAtMs = now + MISSED_STAGGER_MS * (++immediate - MAX_MISSED_IMMEDIATE);
    }
    if (missed.length > 0) this.#deps.log.info(`catching up ${missed.length} job(s) missed while the gateway was stopped`);
    store?.putAll([...this.#jobs.values()].filter((job) => job.state.nextRunAtMs !== loaded.get(job)));
    for (const job of this.#jobs.values()) this.#sync(job);
    this.#arm();
  }

  #recoverInterrupted(store: CronStore, now: number): void {
    for (const entry of store.unfinished()) {
      const job = this.#jobs.get(entry.jobId);
      const finished: RunLogEntry = { ...entry, action: "finished", ts: now, status: "error", error: INTERRUPTED_ERROR, durationMs: Math.max(0, now - entry.runAtMs) };
      if (job) {
        job.state.runningAtMs = undefined;
        job.state.lastRunStatus = job.state.lastStatus = "error";
        job.state.lastError = INTERRUPTED_ERROR;
        job.state.consecutiveErrors = (job.state.consecutiveErrors ?? 0) + 1;
      }
      store.record(finished, job);
      this.#deps.log.warn(`run ${entry.runId} of job ${entry.jobId} was interrupted by a restart; recorded as failed`);
      this.#deps.emit({ jobId: entry.jobId, action: "finished", runId: entry.runId, runAtMs: entry.runAtMs, status: "error", error: INTERRUPTED_ERROR });
    }
  }

  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#deps.clock.clearTimer(this.#timer);
    this.#timer = undefined;
  }

  /** Resolves once the runs in flight have ended (or after the clock-independent bound the caller races). */
  async settled(): Promise<void> {
    await Promise.all([...this.#running.values()]);
  }

  list(): CronJob[] {
    return [...this.#jobs.values()].filter((job) => !this.#system.has(job.id));
  }

  get(id: string): CronJob | undefined {
    return this.#system.has(id) ? undefined : this.#jobs.get(id);
  }

  /** A gateway-owned job (a heartbeat), which get() and list() never show. */
  systemJob(id: string): CronJob | undefined {
    return this.#system.has(id) ? this.#jobs.get(id) : undefined;
  }

  isRunning(id: string): boolean {
    return this.#running.has(id);
  }

  /** The earliest next run of any enabled job (running ones included): the heap's top and at most 8 runs. */
  nextWakeAtMs(): number | undefined {
    let min = this.#queue.peek()?.at;
    for (const id of this.#running.keys()) {
      const job = this.#jobs.get(id);
      const next = job?.state.nextRunAtMs;
      if (job?.enabled && next !== undefined && (min === undefined || next < min)) min = next;
    }
    return min;
  }

  /** Job ids in the order they would start if all were due now, from the heap (for the agreement test). */
  queued(): string[] {
    return this.#queue.ordered().map((entry) => entry.id);
  }

  #add(job: CronJob): void {
    if (!this.#jobs.has(job.id)) this.#seq.set(job.id, this.#nextSeq++);
    this.#jobs.set(job.id, job);
  }

  #drop(id: string): void {
    this.#jobs.delete(id);
    this.#seq.delete(id);
    this.#queue.delete(id);
  }

  /** Puts the job's heap entry in line with its state; called after every change to a job's next run. */
  #sync(job: CronJob): void {
    if (this.#jobs.get(job.id) !== job) return; // removed (and maybe replaced by a new job of the same id)
    const next = job.state.nextRunAtMs;
    if (job.enabled && next !== undefined && !this.#running.has(job.id)) this.#queue.set(job.id, next, this.#seq.get(job.id)!);
    else this.#queue.delete(job.id);
  }

  #entry(job: CronJob): DueEntry {
    return { id: job.id, at: job.state.nextRunAtMs!, seq: this.#seq.get(job.id)! };
  }

  /** Forced wakes (one per agent at most) that may start: with cron off they are the only candidates. */
  #forcedStartable(): DueEntry[] {
    const out: DueEntry[] = [];
    for (const id of this.#forced) {
      const job = this.#jobs.get(id);
      if (job && job.state.nextRunAtMs !== undefined && !this.#running.has(id)) out.push(this.#entry(job));
    }
    return out;
  }

  /** With cron disabled only wakes asked for explicitly (event-driven heartbeats) may start. */
  #nextStartable(off: boolean): number | undefined {
    let min = off ? undefined : this.#queue.peek()?.at;
    for (const entry of this.#forcedStartable()) if (min === undefined || entry.at < min) min = entry.at;
    return min;
  }

  /** Adds or replaces a job (user or system); computes its next run and re-arms. */
  async put(job: CronJob, options: { system?: boolean; event?: "added" | "updated" } = {}): Promise<CronJob> {
    if (job.schedule.kind === "cron" && !cronEngineLoaded()) await loadCronEngine();
    const existing = this.#jobs.get(job.id);
    const target = existing ? Object.assign(existing, job) : job;
    target.state.nextRunAtMs = target.enabled ? this.#next(target, this.#deps.clock.now()) : undefined;
    this.#add(target);
    this.#sync(target);
    if (options.system) this.#system.add(target.id);
    else {
      this.#revision++;
      this.#deps.store(true)?.put(target);
      this.#deps.emit({ jobId: target.id, action: options.event ?? (existing ? "updated" : "added"), job: target, nextRunAtMs: target.state.nextRunAtMs });
    }
    this.#arm();
    return target;
  }

  remove(id: string): boolean {
    const job = this.#jobs.get(id);
    if (!job) return false;
    this.#drop(id);
    this.#forced.delete(id);
    if (this.#system.delete(id)) return true;
    this.#revision++;
    this.#deps.store()?.remove(id);
    this.#deps.emit({ jobId: id, action: "removed" });
    this.#arm();
    return true;
  }

  /** Starts a run now (outside the schedule); the answer says whether it started. */
  runNow(id: string, mode: "due" | "force" | "if-enabled" = "force"): { ran: boolean; runId?: string; reason?: string } {
    const job = this.#jobs.get(id);
    if (!job) return { ran: false, reason: "not-found" };
    if (this.#stopped) return { ran: false, reason: "stopped" };
    if (this.#running.has(id)) return { ran: false, reason: "already-running" };
    if (mode !== "force" && !job.enabled) return { ran: false, reason: "disabled" };
    const now = this.#deps.clock.now();
    if (mode === "due" && (job.state.nextRunAtMs === undefined || job.state.nextRunAtMs > now)) return { ran: false, reason: "not-due" };
    return { ran: true, runId: this.#launch(job, now, true) };
  }

  /** Makes a system job due now (an event-driven heartbeat wake); the timer picks it up on its next tick. */
  due(id: string, atMs: number): void {
    const job = this.#jobs.get(id);
    if (!job) return;
    // A scheduled slot left overdue while cron is disabled must not let a wake skip its rate limit.
    job.state.nextRunAtMs = this.#deps.enabled?.() === false ? atMs : Math.min(job.state.nextRunAtMs ?? atMs, atMs);
    this.#forced.add(id);
    this.#sync(job);
    this.#arm();
  }

  #next(job: CronJob, afterMs: number): number | undefined {
    try {
      return nextRunAt(job.schedule, { id: job.id, createdAtMs: job.createdAtMs, lastRunAtMs: job.state.lastRunAtMs }, afterMs);
    } catch (error) {
      this.#deps.log.warn(`job ${job.id}: cannot compute its next run (${(error as Error).message})`);
      return undefined;
    }
  }

  #arm(): void {
    if (this.#stopped) return;
    const now = this.#deps.clock.now();
    // A due job that cannot start (running, or every slot taken) is picked up when a run ends, not by spinning.
    const full = this.#running.size >= (this.#deps.maxConcurrent ?? MAX_CONCURRENT_RUNS);
    // With cron disabled a due scheduled job must not re-arm a zero-delay timer forever: only forced wakes
    // count, and otherwise the scheduler looks again later (a config change re-arms at once through put()).
    const next = full ? undefined : this.#nextStartable(this.#deps.enabled?.() === false);
    const at = next === undefined ? now + MAX_TIMER_DELAY_MS : Math.min(Math.max(next, now), now + MAX_TIMER_DELAY_MS);
    if (this.#timer !== undefined && this.#armedFor === at) return;
    if (this.#timer !== undefined) this.#deps.clock.clearTimer(this.#timer);
    this.#armedFor = at;
    this.#timer = this.#deps.clock.setTimer(() => {
      this.#timer = undefined;
      this.#tick();
    }, at - now);
  }

  /** Starts every due job a free slot allows, oldest due first, then re-arms. */
  #tick(): void {
    if (this.#stopped) return;
    const off = this.#deps.enabled?.() === false;
    const now = this.#deps.clock.now();
    const limit = this.#deps.maxConcurrent ?? MAX_CONCURRENT_RUNS;
    // Only as many as there are free slots leave the heap; forced wakes join them in the same order.
    const free = limit - this.#running.size;
    const due: DueEntry[] = [];
    while (!off && due.length < free && (this.#queue.peek()?.at ?? Infinity) <= now) due.push(this.#queue.pop()!);
    for (const entry of this.#forcedStartable()) if (entry.at <= now && !due.some((d) => d.id === entry.id)) due.push(entry);
    due.sort((a, b) => (before(a, b) ? -1 : before(b, a) ? 1 : 0));
    for (const { id } of due) {
      const job = this.#jobs.get(id);
      // Gone, or started meanwhile by something an earlier start set off (a manual run from its execute).
      if (!job || this.#running.has(id)) continue;
      if (this.#running.size >= limit) this.#sync(job);
      else this.#launch(job, job.state.nextRunAtMs!, false);
    }
    this.#arm();
  }

  #launch(job: CronJob, runAtMs: number, manual: boolean): string {
    const startedAt = this.#deps.clock.now();
    const runId = `cron:${job.id}:${startedAt}:${crypto.randomUUID().slice(0, 8)}`;
    const system = this.#system.has(job.id);
    // Marked running first, so a change the run's start makes (a wake, an update) keeps it out of the heap.
    this.#running.set(job.id, Promise.resolve());
    this.#queue.delete(job.id);
    job.state.runningAtMs = startedAt;
    this.#forced.delete(job.id);
    // Until it ends, a scheduled run's slot is consumed: the job is not due again.
    if (!manual) job.state.nextRunAtMs = job.schedule.kind === "at" || !job.enabled ? undefined : this.#next(job, Math.max(startedAt, runAtMs));
    if (!system) {
      this.#deps.store(true)?.record({ ts: startedAt, jobId: job.id, action: "running", runId, runAtMs }, job);
      this.#deps.emit({ jobId: job.id, action: "started", runId, runAtMs });
    }
    const done = this.#execute(job, runId, runAtMs, startedAt, manual, system).finally(() => {
      this.#running.delete(job.id);
      // The job now under this id: a job removed and added again during the run is a new object.
      const current = this.#jobs.get(job.id);
      if (current) this.#sync(current);
      this.#tick();
    });
    this.#running.set(job.id, done);
    return runId;
  }

  async #execute(job: CronJob, runId: string, runAtMs: number, startedAt: number, manual: boolean, system: boolean): Promise<void> {
    let outcome: RunOutcome;
    try {
      outcome = await this.#deps.execute(job, { runId, runAtMs, manual });
    } catch (error) {
      outcome = { status: "error", error: (error as Error)?.message ?? String(error) };
    }
    const now = this.#deps.clock.now();
    const durationMs = Math.max(0, now - startedAt);
    const state = job.state;
    state.runningAtMs = undefined;
    state.lastRunAtMs = startedAt;
    state.lastRunStatus = state.lastStatus = outcome.status;
    state.lastDurationMs = durationMs;
    state.lastError = outcome.error;
    state.lastDeliveryStatus = outcome.deliveryStatus;
    state.lastDelivered = outcome.delivered;
    state.lastDeliveryError = outcome.deliveryError;
    state.consecutiveErrors = outcome.status === "error" ? (state.consecutiveErrors ?? 0) + 1 : 0;
    const removed = this.#jobs.get(job.id) !== job;
    let deleted = false;
    if (job.schedule.kind === "at") {
      if (outcome.status === "ok" && job.deleteAfterRun && !manual) deleted = true;
      else if (!manual) job.enabled = false;
    } else if (job.enabled && !manual && !this.#forced.has(job.id)) {
      const natural = this.#next(job, Math.max(now, runAtMs));
      const backoff = outcome.status === "error" ? now + ERROR_BACKOFF_MS[Math.min(state.consecutiveErrors! - 1, ERROR_BACKOFF_MS.length - 1)]! : undefined;
      state.nextRunAtMs = natural === undefined ? undefined : Math.max(natural, backoff ?? 0);
    }
    if (system) return;
    const entry: RunLogEntry = { ts: now, jobId: job.id, action: "finished", runId, runAtMs, durationMs, ...outcome, nextRunAtMs: state.nextRunAtMs };
    const store = this.#deps.store(true);
    try {
      store?.record(entry, removed || deleted ? undefined : job);
      if (deleted) store?.remove(job.id);
      store?.prune(job.id, now);
    } catch (error) {
      this.#deps.log.warn(`job ${job.id}: could not record run ${runId} (${(error as Error).message})`);
    }
    if (deleted) {
      this.#drop(job.id);
      this.#revision++;
    }
    if (outcome.status === "error") this.#deps.log.warn(`job ${job.id} (${job.name}) failed: ${outcome.error ?? "error"}`);
    this.#deps.emit({ jobId: job.id, action: "finished", runId, runAtMs, status: outcome.status, error: outcome.error, durationMs, summary: outcome.summary, sessionKey: outcome.sessionKey, delivered: outcome.delivered, deliveryStatus: outcome.deliveryStatus, deliveryError: outcome.deliveryError, nextRunAtMs: state.nextRunAtMs });
    if (deleted) this.#deps.emit({ jobId: job.id, action: "removed" });
  }
}
