// Agent runs: one at a time per session (the rest queue in order or steer the running one), at most
// agents.defaults.maxConcurrent overall. What a run does once admitted is conversation.ts.
import { sleep } from "../platform/sleep.ts";
import { converse, runResult, type ConversationHost, type RunManagerDeps } from "./conversation.ts";
import { AgentConfigError, agentsConfig, modelChain, resolveAgent, type AgentsConfig, type ModelTarget } from "./config.ts";
import { sessionMessageEvent, sessionRow } from "./present.ts";
import { ProviderError, type ChatMessage } from "./providers/index.ts";
import { Run, type RunRequest } from "./run.ts";
import { queueMode, STEER_CAP } from "./queue.ts";
import type { NewMessage, SessionStore, StoredMessage } from "./store.ts";
import type { ConfigSnapshot } from "../config/load.ts";

const KEEP_FINISHED_MS = 5 * 60_000;
const KEEP_FINISHED_MAX = 1000;

export { Run, type RunEvent, type RunRequest, type RunResult } from "./run.ts";
export type { RunManagerDeps } from "./conversation.ts";


/** Shapes a run before it is admitted; `admitted` runs once the run exists (not for a repeat of a known run id). */
export type RunStartHook = (request: RunRequest) => { request: RunRequest; admitted?: (run: Run) => void };

export class RunManager {
  #runs = new Map<string, Run>();
  #startHooks: RunStartHook[] = [];
  /** Run ids of messages that joined another run (steered or collected) → that run. */
  #aliases = new Map<string, Run>();
  #sessionTails = new Map<string, Promise<unknown>>();
  #running = 0;
  #waiting: Array<() => void> = [];
  #deps: RunManagerDeps;

  /** What one conversation needs of its manager: config, deps, transcript commits and session updates. */
  readonly #host: ConversationHost = {
    deps: () => this.#deps,
    config: () => this.config,
    append: (store, message) => this.append(store, message),
    sessionsChanged: (sessionKey, reason) => this.#sessionsChanged(sessionKey, reason),
  };

  constructor(deps: RunManagerDeps) {
    this.#deps = deps;
  }

  get config(): AgentsConfig {
    return agentsConfig(this.#deps.config());
  }

  /** The whole config snapshot, for the few answers that read beyond agents/models (`session.scope`). */
  snapshot(): ConfigSnapshot {
    return this.#deps.config();
  }

  get(runId: string): Run | undefined {
    return this.#runs.get(runId) ?? this.#aliases.get(runId);
  }

  /**
   * Applies the session's queue mode to a user message while a run is active: steer into the running run,
   * collect into the queued followup, or interrupt (abort, then run this one). Undefined: queue normally.
   */
  #queue(request: RunRequest): { run: Run; existing: boolean } | { interrupted: true } | undefined {
    if (request.context || request.tools || request.input.role !== "user") return undefined;
    const live = this.#live(request.sessionKey);
    if (live.length === 0) return undefined;
    let sessionMode: string | null | undefined;
    try {
      sessionMode = this.#deps.store().get(request.sessionKey)?.queueMode;
    } catch {
      sessionMode = undefined;
    }
    const mode = queueMode(request.queueMode, sessionMode, this.snapshot().config as Record<string, any>);
    if (mode === "interrupt") {
      for (const run of live) run.abort("interrupted by a newer message");
      return { interrupted: true };
    }
    const waiting = live.filter((r) => r.state === "queued").at(-1);
    if (mode === "steer") {
      const steered = this.#steerInto(live, request.input);
      if (steered) {
        this.#aliases.set(request.runId, steered);
        return { run: steered, existing: false };
      }
    }
    if (mode === "collect" && waiting && waiting.collected < STEER_CAP && waiting.request.input.role === "user" && !waiting.request.context && waiting.agentId === request.agentId) {
      // One followup turn for everything that arrived while the session was busy.
      waiting.request.input = { role: "user", content: `${waiting.request.input.content}\n\n${request.input.content}` };
      waiting.collected++;
      this.#aliases.set(request.runId, waiting);
      return { run: waiting, existing: false };
    }
    return undefined;
  }

  /**
   * Steers a user message into the session's running run (it joins at the run's next model round); undefined,
   * with nothing changed, when no run accepts it now, so the caller queues the message as a followup instead.
   */
  steer(sessionKey: string, input: ChatMessage): Run | undefined {
    return this.#steerInto(this.#live(sessionKey), input);
  }

  /** The session's runs not done and not aborted, oldest first. */
  #live(sessionKey: string): Run[] {
    const live: Run[] = [];
    for (const r of this.#runs.values()) if (r.sessionKey === sessionKey && r.state !== "done" && !r.controller.signal.aborted) live.push(r);
    return live;
  }

  /** Steers into the one live run when it is running and takes steers now; a queued followup behind it means no. */
  #steerInto(live: Run[], input: ChatMessage): Run | undefined {
    const running = live.length === 1 ? live[0] : undefined;
    if (!running || running.state !== "running" || !running.acceptsSteer || running.steers.length >= STEER_CAP) return undefined;
    running.steers.push(input);
    return running;
  }

  /** Run ids queued or running for a session, oldest first. */
  active(sessionKey: string): string[] {
    const ids: string[] = [];
    for (const r of this.#runs.values()) if (r.sessionKey === sessionKey && r.state !== "done") ids.push(r.runId);
    return ids;
  }

  /**
   * Run ids queued or running, per session, in one pass: a page of sessions asks once, not once per row (up to
   * 1,000 finished runs stay kept for dedupe, so per-row asking cost 10,000 rows × 1,000 runs).
   */
  activeBySession(): Map<string, string[]> {
    const bySession = new Map<string, string[]>();
    for (const r of this.#runs.values()) {
      if (r.state === "done") continue;
      const ids = bySession.get(r.sessionKey);
      if (ids) ids.push(r.runId);
      else bySession.set(r.sessionKey, [r.runId]);
    }
    return bySession;
  }

  /**
   * Admits a run (resolving its model chain now, so config problems are refused before anything starts) and
   * queues it behind the session's current run. A repeat of a run id returns the existing run.
   */
  start(request: RunRequest, options: { deferConfigErrors?: boolean } = {}): { run: Run; existing: boolean; interrupted?: boolean } {
    this.#prune();
    const existing = this.#runs.get(request.runId) ?? this.#aliases.get(request.runId);
    if (existing) return { run: existing, existing: true };
    const admitted: Array<(run: Run) => void> = [];
    for (const hook of this.#startHooks) {
      const shaped = hook(request);
      request = shaped.request;
      if (shaped.admitted) admitted.push(shaped.admitted);
    }
    const started = this.#admit(request, options);
    for (const done of admitted) done(started.run);
    return started;
  }

  /**
   * Lets another feature shape every newly admitted run (the automations feature puts a session's queued wakes
   * into its system prompt) and hear that it was admitted; the composition (src/features.ts) wires it.
   */
  useStartHook(hook: RunStartHook): void {
    this.#startHooks.push(hook);
  }

  #admit(request: RunRequest, options: { deferConfigErrors?: boolean }): { run: Run; existing: boolean; interrupted?: boolean } {
    resolveAgent(this.config, request.agentId);
    if (!request.modelOverride && !request.context) {
      // A model chosen for the session (sessions.patch) applies to every run that names none.
      try {
        const override = this.#deps.store().get(request.sessionKey)?.modelOverride;
        if (override) request = { ...request, modelOverride: override };
      } catch {
        // store closed (stopping): the run fails on its own when it starts
      }
    }
    const queued = this.#queue(request);
    if (queued && "run" in queued) return queued;
    let chain: ModelTarget[] = [];
    let configError: AgentConfigError | undefined;
    try {
      chain = modelChain(this.config, request.agentId, request.modelOverride);
    } catch (error) {
      // chat.send starts anyway and fails through `chat`/`agent` events, as the reference does.
      if (!(options.deferConfigErrors && error instanceof AgentConfigError && (error.kind === "no-provider" || error.kind === "invalid"))) throw error;
      configError = error;
    }
    const run = new Run(request, chain, (queued) => queued.finish(runResult(this.#deps.store, queued, "aborted", "", [], undefined)));
    run.configError = configError;
    this.#runs.set(run.runId, run);
    const previous = this.#sessionTails.get(run.sessionKey) ?? Promise.resolve();
    // A macrotask first: the caller's answer (`accepted`, the SSE head) is on the wire before any event.
    const tail = previous.then(() => new Promise<void>((resolve) => setImmediate(resolve))).then(() => this.#execute(run));
    this.#sessionTails.set(run.sessionKey, tail);
    void tail.finally(() => {
      if (this.#sessionTails.get(run.sessionKey) === tail) this.#sessionTails.delete(run.sessionKey);
    });
    return queued ? { run, existing: false, interrupted: true } : { run, existing: false };
  }

  /** Aborts a session's runs (queued ones too), or one run; returns the ids it aborted. */
  abortSession(sessionKey: string, runId?: string): string[] {
    const ids: string[] = [];
    for (const run of this.#runs.values()) {
      if (run.sessionKey !== sessionKey || run.state === "done" || (runId && run.runId !== runId)) continue;
      run.abort("chat.abort");
      ids.push(run.runId);
    }
    return ids;
  }

  abortAll(reason: string): void {
    for (const run of this.#runs.values()) run.abort(reason);
  }

  /** Resolves once every run has finished, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    const pending = [...this.#runs.values()].filter((r) => r.state !== "done").map((r) => r.done);
    if (pending.length === 0) return;
    await Promise.race([Promise.all(pending), sleep(timeoutMs)]);
  }

  async #slot(): Promise<void> {
    while (this.#running >= this.config.maxConcurrent) await new Promise<void>((resolve) => this.#waiting.push(resolve));
    this.#running++;
  }

  #release(): void {
    this.#running--;
    this.#waiting.shift()?.();
  }

  async #execute(run: Run): Promise<void> {
    if (run.finished) return;
    await this.#slot();
    if (run.finished) return this.#release();
    try {
      await converse(run, this.#host);
    } catch (error) {
      // The run's own failures are results; anything here is a bug or a broken store.
      this.#deps.log.warn(`run ${run.runId} failed: ${(error as Error)?.message ?? String(error)}`);
      if (!run.finished) run.finish(runResult(this.#deps.store, run, "error", "", [], new ProviderError(`internal error: ${(error as Error)?.message}`, "protocol")));
    } finally {
      this.#release();
    }
  }

  /** Commits a transcript message and tells the session's message subscribers (`session.message`). */
  append(store: SessionStore, message: NewMessage): StoredMessage {
    const stored = store.append(message);
    if (this.#deps.followed?.(message.sessionKey) !== false && (this.#deps.hasReaders?.() ?? true)) {
      const row = store.get(message.sessionKey);
      const seq = store.messageCount(message.sessionKey);
      this.#deps.broadcast("session.message", sessionMessageEvent(stored, row?.agentId ?? "main", seq, row ? sessionRow(row, this.active(message.sessionKey)) : undefined));
    }
    return stored;
  }

  /** `sessions.changed` with the affected row, or a tombstone for a delete. */
  #sessionsChanged(sessionKey: string, reason: string): void {
    let row;
    try {
      row = this.#deps.store().get(sessionKey);
    } catch {
      return;
    }
    this.#deps.broadcast("sessions.changed", { sessionKey, reason, ts: Date.now(), session: row ? sessionRow(row, this.active(sessionKey)) : undefined });
  }

  sessionsChanged(sessionKey: string, reason: string, sessionId?: string): void {
    if (reason === "delete") this.#deps.broadcast("sessions.changed", { sessionKey, reason, ts: Date.now(), sessionId });
    else this.#sessionsChanged(sessionKey, reason);
  }

  #prune(): void {
    const cutoff = Date.now() - KEEP_FINISHED_MS;
    for (const [id, run] of this.#runs) {
      if (run.state === "done" && (run.result!.endedAt < cutoff || this.#runs.size > KEEP_FINISHED_MAX)) this.#runs.delete(id);
    }
    for (const [id, run] of this.#aliases) if (run.state === "done" && !this.#runs.has(run.runId)) this.#aliases.delete(id);
  }
}
