// One agent conversation: commit the user message, stream the model (with fallbacks), run the tools it asks for
// round after round, commit every reply, and tell readers (`agent`/`chat` events) and the run's own listeners.
// The run manager (runs.ts) decides when a run may start; this decides what it does.
import { resolveAgent, type AgentsConfig, type ModelTarget } from "./config.ts";
import { assistantMessage, toChat } from "./present.ts";
import { ProviderError, streamWithFallback, type ChatMessage, type FinishReason, type FunctionTool, type ToolCall, type Usage } from "./providers/index.ts";
import type { RawStreamSink } from "./providers/types.ts";
import { chatErrorKind, RunEvents, type RunEventSink } from "./run-events.ts";
import { withoutAckedHeartbeats } from "./heartbeat-ack.ts";
import type { Run, RunResult } from "./run.ts";
import { MAX_TOOL_ROUNDS, runToolCalls } from "./tool-loop.ts";
import type { Toolbox } from "./tools/toolbox.ts";
import type { NewMessage, SessionStore, StoredMessage } from "./store.ts";
import type { ConfigSnapshot } from "../config/load.ts";

export interface RunManagerDeps extends RunEventSink {
  config: () => ConfigSnapshot;
  store: () => SessionStore;
  log: { info(msg: string, meta?: Record<string, unknown>): void; warn(msg: string, meta?: Record<string, unknown>): void };
  raw?: RawStreamSink;
  /** True when a connection follows this session (`session.message`, `session.tool` are built only then). */
  followed?: (sessionKey: string) => boolean;
  /** The workspace tools runs may call (absent: runs only use the tools their caller passes). */
  tools?: Toolbox;
  /** The resolved SecretRef at a config path (`models.providers.<id>.apiKey`), from the gateway's runtime snapshot. */
  secret?: (path: string) => string | undefined;
  /** The system prompt of an agent's run: its configured prompt with the workspace's bootstrap files. */
  systemPrompt?: (agentId: string, workspace: string, configured: string | undefined) => string | undefined;
}

/** What a conversation needs of the run manager that admitted it. */
export interface ConversationHost {
  deps(): RunManagerDeps;
  config(): AgentsConfig;
  /** Commits a transcript message and tells the session's followers. */
  append(store: SessionStore, message: NewMessage): StoredMessage;
  sessionsChanged(sessionKey: string, reason: string): void;
}

export async function converse(run: Run, host: ConversationHost): Promise<void> {
  const deps = host.deps();
  const config = host.config();
  const req = run.request;
  const store = deps.store();
  const agent = resolveAgent(config, req.agentId);
  const { created } = store.ensure(run.sessionKey, run.agentId, req.channel);
  if (run.controller.signal.aborted) return run.finish(runResult(deps.store, run, "aborted", "", [], undefined));
  // Heartbeat turns that ended in a silent ack are not context (as the reference prunes them).
  const history = req.context ?? toChat(withoutAckedHeartbeats(store.history(run.sessionKey)));
  host.append(store, { sessionKey: run.sessionKey, runId: run.runId, role: req.input.role, content: req.input.content, toolCallId: req.input.toolCallId, toolCalls: req.input.toolCalls });
  store.markRunning(run.sessionKey, run.runId);
  host.sessionsChanged(run.sessionKey, created ? "create" : "send");
  run.state = "running";
  run.startedAt = Date.now();
  // From now until the run decides to end, a message in `steer` mode joins it at the next model round.
  run.acceptsSteer = req.steerable !== false;
  const events = new RunEvents(deps, run.runId, run.sessionKey);
  const agentEvent = (stream: string, data: Record<string, unknown>) => events.agent(stream, data);
  const chatEvent = (state: string, extra: Record<string, unknown>) => events.chat(state, extra);
  agentEvent("lifecycle", { phase: "start", startedAt: run.startedAt });
  run.emit({ kind: "start" });

  let text = "";
  let callsDone: ToolCall[] = [];
  const usage: Usage = { input: 0, output: 0, total: 0 };
  let finishReason: FinishReason = "stop";
  let used: ModelTarget | undefined;
  const timeoutMs = req.timeoutMs ?? config.timeoutSeconds * 1000;
  let failure: ProviderError | undefined = run.configError ? new ProviderError(run.configError.message, "config") : undefined;
  const timer = failure ? undefined : setTimeout(() => run.abort("timeout"), timeoutMs);
  const timedOut = () => new ProviderError(`agent run timed out after ${Math.round(timeoutMs / 1000)}s (agents.defaults.timeoutSeconds)`, "timeout");
  // Gateway tools run for conversations the gateway keeps; HTTP callers that bring their own tools or
  // context run theirs themselves.
  const toolbox = deps.tools && !req.tools && !req.context ? deps.tools : undefined;
  let workspace: string | undefined;
  let toolDefs: FunctionTool[] | undefined;
  let system = [agent.systemPrompt, req.extraSystem].filter(Boolean).join("\n\n") || undefined;
  if (toolbox && !failure) {
    try {
      workspace = toolbox.workspace(run.agentId, agent.workspace, agent.name);
      toolDefs = toolbox.definitions(run.agentId);
      // The workspace's bootstrap files follow the agent's own prompt; this run's extra prompt comes last.
      const base = deps.systemPrompt?.(run.agentId, workspace, agent.systemPrompt) ?? agent.systemPrompt;
      system = [base, req.extraSystem].filter(Boolean).join("\n\n") || undefined;
    } catch (error) {
      failure = new ProviderError(`agent workspace unavailable: ${(error as Error).message}`, "config");
    }
  }
  const messages: ChatMessage[] = [...history, req.input];
  let status: RunResult["status"] = "ok";
  for (let round = 0; ; round++) {
    // The last round allowed cannot answer a message steered into it; from then on one waits for its own turn.
    run.acceptsSteer = req.steerable !== false && round + 1 < MAX_TOOL_ROUNDS;
    text = "";
    const calls: ToolCall[] = [];
    const turnUsage: Usage = { input: 0, output: 0, total: 0 };
    finishReason = "stop";
    if (!failure) try {
      const outcome = await streamWithFallback(
        run.chain,
        { system, messages, tools: req.tools ?? (toolDefs?.length ? toolDefs : undefined), toolChoice: req.toolChoice, maxTokens: req.maxTokens, temperature: req.temperature, topP: req.topP, stop: req.stop },
        { signal: run.controller.signal, raw: deps.raw, runId: run.runId, secret: deps.secret },
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
          deps.log.warn(`run ${run.runId}: ${fail.ref} failed (${fail.error.message}); falling back to ${next.ref}`);
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
      if (store.get(run.sessionKey)) host.append(store, {
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
    // A message steered in during this round gets another model round in the same run, after this reply.
    const steered = status === "ok" && !more && run.steers.length > 0 && round + 1 < MAX_TOOL_ROUNDS;
    if (steered) {
      messages.push({ role: "assistant", content: text });
      takeSteers(run, store, host, messages);
      continue;
    }
    if (!more) break;
    if (round + 1 >= MAX_TOOL_ROUNDS) {
      failure = new ProviderError(`the model asked for tools ${MAX_TOOL_ROUNDS} rounds in a row; run stopped`, "protocol");
      status = "error";
      break;
    }
    messages.push({ role: "assistant", content: text, toolCalls: callsDone });
    const results = await runToolCalls(callsDone, {
      toolbox: toolbox!,
      workspace: workspace!,
      agentId: run.agentId,
      sessionKey: run.sessionKey,
      runId: run.runId,
      signal: run.controller.signal,
      append: (message) => {
        if (store.get(run.sessionKey)) host.append(store, message);
      },
      event: (data) => events.tool(data),
      steered: () => run.steers.length > 0,
    });
    messages.push(...results);
    // Messages steered in while the model streamed or the tools ran join before the next model call.
    takeSteers(run, store, host, messages);
    if (run.controller.signal.aborted) {
      status = run.abortReason === "timeout" ? "error" : "aborted";
      if (status === "error") failure = timedOut();
      // The aborted turn ends with an assistant marker after its tool results.
      if (store.get(run.sessionKey)) host.append(store, { sessionKey: run.sessionKey, runId: run.runId, role: "assistant", content: "", stopReason: status, error: failure?.message ?? run.abortReason });
      break;
    }
  }
  // Synchronously with the decision to end, so no steer can slip in between; one that arrived during a failed
  // or aborted round is still kept in the transcript rather than lost.
  run.acceptsSteer = false;
  takeSteers(run, store, host, []);
  clearTimeout(timer);
  if (store.get(run.sessionKey)) store.markRunning(run.sessionKey, null);
  const result = runResult(deps.store, run, status, text, callsDone, status === "error" ? failure : undefined, usage, finishReason, used);
  // The lifecycle end is the run's last event: chat and session updates go out before it.
  if (status === "ok") chatEvent("final", { message: assistantMessage(text), usage, stopReason: finishReason });
  else if (status === "aborted") chatEvent("aborted", { message: text ? assistantMessage(text) : undefined, stopReason: run.abortReason });
  else chatEvent("error", { errorMessage: failure!.message, errorKind: chatErrorKind(failure!) });
  host.sessionsChanged(run.sessionKey, "run");
  const times = { startedAt: run.startedAt, endedAt: result.endedAt };
  const took = `${result.endedAt - run.startedAt}ms`;
  if (status === "ok") deps.log.info(`run ${run.runId} ok (${used?.ref}, ${usage.total} tokens, ${took})`, { sessionKey: run.sessionKey });
  else deps.log.warn(`run ${run.runId} ${status}: ${result.error?.message ?? ""} (${took})`, { sessionKey: run.sessionKey });
  if (status === "ok") agentEvent("lifecycle", { phase: "end", ...times });
  else if (status === "aborted") agentEvent("lifecycle", { phase: "end", aborted: true, ...times });
  else agentEvent("lifecycle", { phase: "error", error: failure!.message, ...times });
  events.close();
  run.finish(result);
}

/** Moves the run's steered messages into its transcript and the model's next input. */
function takeSteers(run: Run, store: SessionStore, host: ConversationHost, messages: ChatMessage[]): void {
  for (const steer of run.steers.splice(0)) {
    if (store.get(run.sessionKey)) host.append(store, { sessionKey: run.sessionKey, runId: run.runId, role: "user", content: steer.content });
    messages.push(steer);
  }
}

/** The result a run finishes with (the same shape whether it ended well, failed or was aborted). */
export function runResult(store: () => SessionStore, run: Run, status: RunResult["status"], text: string, toolCalls: ToolCall[], error: ProviderError | undefined, usage: Usage = { input: 0, output: 0, total: 0 }, finishReason: FinishReason = "stop", target?: ModelTarget): RunResult {
  const result: RunResult = { runId: run.runId, sessionKey: run.sessionKey, status, text, toolCalls, finishReason, usage, startedAt: run.startedAt, endedAt: Date.now() };
  try {
    result.sessionId = store().get(run.sessionKey)?.sessionId;
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
