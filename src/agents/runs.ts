// Agent runs: one at a time per session (the rest queue in order), at most agents.defaults.maxConcurrent
// overall. A run commits the user message, streams the model (with fallbacks), commits the reply, and tells
// everyone: `agent`/`chat` events to readers, and its own listeners (the RPC and HTTP callers).
import { sleep } from "../platform/sleep.ts";
import { AgentConfigError, agentsConfig, modelChain, resolveAgent, type AgentsConfig, type ModelTarget } from "./config.ts";
import { assistantMessage, sessionMessageEvent, sessionRow, toChat } from "./present.ts";
import { ProviderError, streamWithFallback, type ChatMessage, type FinishReason, type FunctionTool, type ToolCall, type Usage } from "./providers/index.ts";
import type { RawStreamSink } from "./providers/types.ts";
import { chatErrorKind, RunEvents, type RunEventSink } from "./run-events.ts";
import { Run, type RunRequest, type RunResult } from "./run.ts";
import { queueMode, STEER_CAP } from "./queue.ts";
import { MAX_TOOL_ROUNDS, runToolCalls } from "./tool-loop.ts";
import type { Toolbox } from "./tools/toolbox.ts";
import type { NewMessage, SessionStore, StoredMessage } from "./store.ts";
import type { ConfigSnapshot } from "../config/load.ts";

const KEEP_FINISHED_MS = 5 * 60_000;
const KEEP_FINISHED_MAX = 1000;

export { Run, type RunEvent, type RunRequest, type RunResult } from "./run.ts";

export interface RunManagerDeps extends RunEventSink {
  config: () => ConfigSnapshot;
  store: () => SessionStore;
  log: { info(msg: string, meta?: Record<string, unknown>): void; warn(msg: string, meta?: Record<string, unknown>): void };
  raw?: RawStreamSink;
  /** True when a connection follows this session (`session.message`, `session.tool` are built only then). */
  followed?: (sessionKey: string) => boolean;
  /** The workspace tools runs may call (absent: runs only use the tools their caller passes). */
  tools?: Toolbox;
  /** The system prompt of an agent's run: its configured prompt with the workspace's bootstrap files. */
  systemPrompt?: (agentId: string, workspace: string, configured: string | undefined) => string | undefined;
}

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
    const live = [...this.#runs.values()].filter((r) => r.sessionKey === request.sessionKey && r.state !== "done" && !r.controller.signal.aborted);
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
    const running = live.find((r) => r.state === "running");
    const waiting = live.filter((r) => r.state === "queued").at(-1);
    if (mode === "steer" && running?.acceptsSteer && running.steers.length < STEER_CAP && live.length === 1) {
      running.steers.push(request.input);
      this.#aliases.set(request.runId, running);
      return { run: running, existing: false };
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

  /** Run ids queued or running for a session, oldest first. */
  active(sessionKey: string): string[] {
    return [...this.#runs.values()].filter((r) => r.sessionKey === sessionKey && r.state !== "done").map((r) => r.runId);
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
    const run = new Run(request, chain, (queued) => queued.finish(this.#result(queued, "aborted", "", [], undefined)));
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
      await this.#run(run);
    } catch (error) {
      // The run's own failures are results; anything here is a bug or a broken store.
      this.#deps.log.warn(`run ${run.runId} failed: ${(error as Error)?.message ?? String(error)}`);
      if (!run.finished) run.finish(this.#result(run, "error", "", [], new ProviderError(`internal error: ${(error as Error)?.message}`, "protocol")));
    } finally {
      this.#release();
    }
  }

  async #run(run: Run): Promise<void> {
    const req = run.request;
    const store = this.#deps.store();
    const agent = resolveAgent(this.config, req.agentId);
    const { created } = store.ensure(run.sessionKey, run.agentId, req.channel);
    if (run.controller.signal.aborted) return run.finish(this.#result(run, "aborted", "", [], undefined));
    const history = req.context ?? toChat(store.history(run.sessionKey));
    this.append(store, { sessionKey: run.sessionKey, runId: run.runId, role: req.input.role, content: req.input.content, toolCallId: req.input.toolCallId, toolCalls: req.input.toolCalls });
    store.markRunning(run.sessionKey, run.runId);
    this.#sessionsChanged(run.sessionKey, created ? "create" : "send");
    run.state = "running";
    run.startedAt = Date.now();
    const events = new RunEvents(this.#deps, run.runId, run.sessionKey);
    const agentEvent = (stream: string, data: Record<string, unknown>) => events.agent(stream, data);
    const chatEvent = (state: string, extra: Record<string, unknown>) => events.chat(state, extra);
    agentEvent("lifecycle", { phase: "start", startedAt: run.startedAt });
    run.emit({ kind: "start" });

    let text = "";
    let callsDone: ToolCall[] = [];
    const usage: Usage = { input: 0, output: 0, total: 0 };
    let finishReason: FinishReason = "stop";
    let used: ModelTarget | undefined;
    const timeoutMs = req.timeoutMs ?? this.config.timeoutSeconds * 1000;
    let failure: ProviderError | undefined = run.configError ? new ProviderError(run.configError.message, "config") : undefined;
    const timer = failure ? undefined : setTimeout(() => run.abort("timeout"), timeoutMs);
    const timedOut = () => new ProviderError(`agent run timed out after ${Math.round(timeoutMs / 1000)}s (agents.defaults.timeoutSeconds)`, "timeout");
    // Gateway tools run for conversations the gateway keeps; HTTP callers that bring their own tools or
    // context run theirs themselves.
    const toolbox = this.#deps.tools && !req.tools && !req.context ? this.#deps.tools : undefined;
    let workspace: string | undefined;
    let toolDefs: FunctionTool[] | undefined;
    let system = [agent.systemPrompt, req.extraSystem].filter(Boolean).join("\n\n") || undefined;
    if (toolbox && !failure) {
      try {
        workspace = toolbox.workspace(run.agentId, agent.workspace, agent.name);
        toolDefs = toolbox.definitions(run.agentId);
        // The workspace's bootstrap files follow the agent's own prompt; this run's extra prompt comes last.
        const base = this.#deps.systemPrompt?.(run.agentId, workspace, agent.systemPrompt) ?? agent.systemPrompt;
        system = [base, req.extraSystem].filter(Boolean).join("\n\n") || undefined;
      } catch (error) {
        failure = new ProviderError(`agent workspace unavailable: ${(error as Error).message}`, "config");
      }
    }
    const messages: ChatMessage[] = [...history, req.input];
    let status: RunResult["status"] = "ok";
    for (let round = 0; ; round++) {
      text = "";
      const calls: ToolCall[] = [];
      const turnUsage: Usage = { input: 0, output: 0, total: 0 };
      finishReason = "stop";
      if (!failure) try {
        const outcome = await streamWithFallback(
          run.chain,
          { system, messages, tools: req.tools ?? (toolDefs?.length ? toolDefs : undefined), toolChoice: req.toolChoice, maxTokens: req.maxTokens, temperature: req.temperature, topP: req.topP, stop: req.stop },
          { signal: run.controller.signal, raw: this.#deps.raw, runId: run.runId },
          (event, target) => {
            used = target;
            if (event.type === "text") {
              text += event.text;
              events.appendText(event.text);
              run.emit({ kind: "text", delta: event.text, text });
            } else if (event.type === "tool_call") {
              const call = (calls[event.index] ??= { id: "", name: "", arguments: "" });
              if (event.id) call.id = event.id;
              if (event.name) call.name += event.name;
              if (event.arguments) call.arguments += event.arguments;
              agentEvent("tool", { phase: "delta", index: event.index, id: event.id, name: event.name, arguments: event.arguments });
              run.emit({ kind: "tool_call", index: event.index, id: event.id, name: event.name, arguments: event.arguments });
            } else if (event.type === "usage") {
              Object.assign(turnUsage, event.usage);
            } else {
              finishReason = event.reason;
            }
          },
          (fail, next) => {
            this.#deps.log.warn(`run ${run.runId}: ${fail.ref} failed (${fail.error.message}); falling back to ${next.ref}`);
            agentEvent("lifecycle", { phase: "fallback", from: fail.ref, to: next.ref, error: fail.error.message });
          },
        );
        used = outcome.target;
      } catch (error) {
        failure = error instanceof ProviderError ? error : new ProviderError((error as Error)?.message ?? String(error), "protocol");
      }
      usage.input += turnUsage.input;
      usage.output += turnUsage.output;
      usage.total += turnUsage.total;
      if (failure && run.abortReason === "timeout") failure = timedOut();
      status = run.controller.signal.aborted && run.abortReason !== "timeout" ? "aborted" : failure ? "error" : "ok";
      callsDone = calls.filter(Boolean);
      const more = status === "ok" && toolbox !== undefined && workspace !== undefined && callsDone.length > 0;
      if (text || callsDone.length || status === "ok") {
        // The session may have been deleted while this run was being aborted; the run still ends cleanly.
        if (store.get(run.sessionKey)) this.append(store, {
          sessionKey: run.sessionKey,
          runId: run.runId,
          role: "assistant",
          content: text,
          toolCalls: callsDone,
          provider: used?.providerId,
          model: used?.modelId,
          usage: turnUsage,
          stopReason: status === "ok" ? (more ? "tool_calls" : finishReason) : status,
          error: status === "ok" ? undefined : (failure?.message ?? run.abortReason),
        });
      }
      if (!more) break;
      if (round + 1 >= MAX_TOOL_ROUNDS) {
        failure = new ProviderError(`the model asked for tools ${MAX_TOOL_ROUNDS} rounds in a row; run stopped`, "protocol");
        status = "error";
        break;
      }
      messages.push({ role: "assistant", content: text, toolCalls: callsDone });
      run.acceptsSteer = true;
      const results = await runToolCalls(callsDone, {
        toolbox: toolbox!,
        workspace: workspace!,
        agentId: run.agentId,
        sessionKey: run.sessionKey,
        runId: run.runId,
        signal: run.controller.signal,
        append: (message) => {
          if (store.get(run.sessionKey)) this.append(store, message);
        },
        event: (data) => events.tool(data),
      });
      messages.push(...results);
      run.acceptsSteer = false;
      // Messages steered in while the tools ran join the conversation before the next model call.
      for (const steer of run.steers.splice(0)) {
        if (store.get(run.sessionKey)) this.append(store, { sessionKey: run.sessionKey, runId: run.runId, role: "user", content: steer.content });
        messages.push(steer);
      }
      if (run.controller.signal.aborted) {
        status = run.abortReason === "timeout" ? "error" : "aborted";
        if (status === "error") failure = timedOut();
        // The aborted turn ends with an assistant marker after its tool results.
        if (store.get(run.sessionKey)) this.append(store, { sessionKey: run.sessionKey, runId: run.runId, role: "assistant", content: "", stopReason: status, error: failure?.message ?? run.abortReason });
        break;
      }
    }
    clearTimeout(timer);
    if (store.get(run.sessionKey)) store.markRunning(run.sessionKey, null);
    const result = this.#result(run, status, text, callsDone, status === "error" ? failure : undefined, usage, finishReason, used);
    // The lifecycle end is the run's last event: chat and session updates go out before it.
    if (status === "ok") chatEvent("final", { message: assistantMessage(text), usage, stopReason: finishReason });
    else if (status === "aborted") chatEvent("aborted", { message: text ? assistantMessage(text) : undefined, stopReason: run.abortReason });
    else chatEvent("error", { errorMessage: failure!.message, errorKind: chatErrorKind(failure!) });
    this.#sessionsChanged(run.sessionKey, "run");
    const times = { startedAt: run.startedAt, endedAt: result.endedAt };
    const took = `${result.endedAt - run.startedAt}ms`;
    if (status === "ok") this.#deps.log.info(`run ${run.runId} ok (${used?.ref}, ${usage.total} tokens, ${took})`, { sessionKey: run.sessionKey });
    else this.#deps.log.warn(`run ${run.runId} ${status}: ${result.error?.message ?? ""} (${took})`, { sessionKey: run.sessionKey });
    if (status === "ok") agentEvent("lifecycle", { phase: "end", ...times });
    else if (status === "aborted") agentEvent("lifecycle", { phase: "end", aborted: true, ...times });
    else agentEvent("lifecycle", { phase: "error", error: failure!.message, ...times });
    events.close();
    run.finish(result);
  }

  #result(run: Run, status: RunResult["status"], text: string, toolCalls: ToolCall[], error: ProviderError | undefined, usage: Usage = { input: 0, output: 0, total: 0 }, finishReason: FinishReason = "stop", target?: ModelTarget): RunResult {
    const result: RunResult = { runId: run.runId, sessionKey: run.sessionKey, status, text, toolCalls, finishReason, usage, startedAt: run.startedAt, endedAt: Date.now() };
    try {
      result.sessionId = this.#deps.store().get(run.sessionKey)?.sessionId;
    } catch {
      // store closed (stopping): the result stands without it
    }
    if (target) {
      result.provider = target.providerId;
      result.model = target.modelId;
    }
    if (error) result.error = { message: error.message, kind: error.kind, status: error.status };
    else if (status === "aborted") result.error = { message: `run aborted (${run.abortReason ?? "aborted"})`, kind: "aborted" };
    return result;
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
