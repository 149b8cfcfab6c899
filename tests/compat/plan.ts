// The calls the check makes: for each method we implement, params that make it succeed on a fresh gateway
// with a stand-in model provider. A method not listed here is still called, with `{}`.
import type { TestSocket } from "../helpers/ws.ts";

/** What a planned step may read from the answers before it (the config hash, a run id). */
export interface PlanState {
  configHash?: string;
  configRaw?: string;
  runId?: string;
  /** A user message id of the created session (for sessions.fork). */
  entryId?: string;
}

export interface PlannedCall {
  method: string;
  /** Row name when a method is called more than once. */
  label?: string;
  params: (state: PlanState) => unknown;
  /** Reads what later steps need from the answer. */
  after?: (payload: any, state: PlanState) => void;
  /** Waits for the events this call causes, so they are judged too. */
  settle?: (socket: TestSocket, payload: any) => Promise<unknown>;
}

export const MAIN_SESSION = "agent:main:main";
const SCRATCH_SESSION = "agent:main:compat-scratch";

const readConfig = (payload: any, state: PlanState) => {
  state.configHash = payload?.hash;
  state.configRaw = payload?.raw ?? "{}";
};

/** Waits for the end of a chat run, by the `chat` event that closes it. */
const chatDone = (socket: TestSocket, runId: string) =>
  socket.next((f) => f.event === "chat" && f.payload?.runId === runId && ["final", "error", "aborted"].includes(f.payload?.state), 20_000);

/** In call order; config writes re-read the hash because each write may change it. */
export const PLAN: PlannedCall[] = [
  { method: "health", params: () => ({}) },
  { method: "status", params: () => ({}) },
  { method: "system-presence", params: () => ({}) },
  { method: "config.get", params: () => ({}), after: readConfig },
  { method: "config.schema", params: () => ({}) },
  { method: "config.set", params: (s) => ({ raw: s.configRaw, baseHash: s.configHash }), after: (p, s) => (s.configHash = p?.hash ?? s.configHash) },
  { method: "config.patch", params: (s) => ({ raw: "{}", baseHash: s.configHash }), after: (p, s) => (s.configHash = p?.hash ?? s.configHash) },
  { method: "config.apply", params: (s) => ({ raw: s.configRaw, baseHash: s.configHash }) },
  { method: "logs.tail", params: () => ({ limit: 5 }) },
  { method: "last-heartbeat", params: () => ({}) },
  { method: "models.list", params: () => ({}) },
  { method: "hooks.status", params: () => ({}) },
  {
    method: "chat.send",
    params: () => ({ sessionKey: MAIN_SESSION, message: "compat hello", idempotencyKey: `compat-chat-${crypto.randomUUID()}` }),
    settle: (socket, payload) => chatDone(socket, payload?.runId),
  },
  {
    method: "agent",
    params: () => ({ message: "compat agent", sessionKey: SCRATCH_SESSION, idempotencyKey: `compat-agent-${crypto.randomUUID()}` }),
    after: (p, s) => (s.runId = p?.runId),
    settle: (socket, payload) => chatDone(socket, payload?.runId),
  },
  { method: "agent.wait", params: (s) => ({ runId: s.runId, timeoutMs: 20_000 }) },
  { method: "chat.history", params: () => ({ sessionKey: MAIN_SESSION }) },
  { method: "chat.abort", params: () => ({ sessionKey: MAIN_SESSION }) },
  // The reference's browser Control UI, on load and on its Chat/Sessions/Agents panels.
  { method: "agent.identity.get", params: () => ({ sessionKey: MAIN_SESSION }) },
  { method: "chat.startup", params: () => ({ sessionKey: MAIN_SESSION }) },
  { method: "chat.metadata", params: () => ({ sessionKey: MAIN_SESSION }) },
  { method: "sessions.subscribe", params: () => ({}) },
  { method: "sessions.messages.subscribe", params: () => ({ key: MAIN_SESSION }) },
  { method: "sessions.describe", params: () => ({ key: MAIN_SESSION }) },
  { method: "sessions.branches.list", params: () => ({ sessionKey: MAIN_SESSION }) },
  { method: "models.authStatus", params: () => ({}) },
  { method: "exec.approval.list", params: () => ({}) },
  { method: "usage.status", params: () => ({}) },
  { method: "sessions.usage", params: () => ({ key: MAIN_SESSION }) },
  {
    method: "chat.send",
    label: "chat.send (subscribed: session.message, sessions.changed)",
    params: () => ({ sessionKey: MAIN_SESSION, message: "compat subscribed", idempotencyKey: `compat-chat-${crypto.randomUUID()}` }),
    settle: (socket, payload) => chatDone(socket, payload?.runId),
  },
  {
    method: "agent",
    label: "agent (a model that calls a workspace tool)",
    params: () => ({ message: "compat tools", sessionKey: MAIN_SESSION, model: "stand/script-compat", idempotencyKey: `compat-tools-${crypto.randomUUID()}` }),
    settle: (socket, payload) => chatDone(socket, payload?.runId),
  },
  { method: "chat.history", label: "chat.history (with tool calls)", params: () => ({ sessionKey: MAIN_SESSION }) },
  { method: "sessions.messages.unsubscribe", params: () => ({ key: MAIN_SESSION }) },
  { method: "sessions.create", params: () => ({ key: "compat-created", label: "Compat" }) },
  {
    method: "sessions.send",
    params: () => ({ key: "compat-created", message: "compat send", idempotencyKey: `compat-send-${crypto.randomUUID()}` }),
    settle: (socket, payload) => chatDone(socket, payload?.runId),
  },
  {
    method: "chat.history",
    label: "chat.history (created session)",
    params: () => ({ sessionKey: "compat-created" }),
    after: (p, s) => (s.entryId = p?.messages?.find((m: any) => m.role === "user")?.id),
  },
  { method: "chat.message.get", params: (s) => ({ sessionKey: "compat-created", messageId: s.entryId }) },
  { method: "sessions.fork", params: (s) => ({ sessionKey: "compat-created", entryId: s.entryId }) },
  { method: "sessions.patch", params: () => ({ key: "compat-created", label: "Compat 2" }) },
  { method: "sessions.abort", params: () => ({ key: "compat-created" }) },
  { method: "sessions.compact", params: () => ({ key: "compat-created", maxLines: 1 }) },
  { method: "agents.create", params: () => ({ name: "Compat Agent", model: "stand/alpha" }) },
  { method: "agents.update", params: () => ({ agentId: "compat-agent", name: "Compat Agent 2" }) },
  { method: "agents.files.list", params: () => ({ agentId: "compat-agent" }) },
  { method: "agents.files.get", params: () => ({ agentId: "compat-agent", name: "AGENTS.md" }) },
  { method: "agents.files.set", params: () => ({ agentId: "compat-agent", name: "USER.md", content: "compat user" }) },
  { method: "agents.delete", params: () => ({ agentId: "compat-agent", deleteFiles: true }) },
  { method: "sessions.list", params: () => ({}) },
  // The reference's browser Control UI asks for this many.
  { method: "sessions.list", label: "sessions.list {limit:10000}", params: () => ({ limit: 10_000 }) },
  { method: "sessions.preview", params: () => ({ keys: [MAIN_SESSION] }) },
  { method: "sessions.reset", params: () => ({ key: MAIN_SESSION }) },
  { method: "sessions.delete", params: () => ({ key: SCRATCH_SESSION }) },
  // Last, and far in the future: the restart is only scheduled; the check stops the gateway before it is due.
  { method: "gateway.restart.request", params: () => ({ reason: "compat check", delayMs: 600_000 }) },
  { method: "gateway.restart", params: () => ({ reason: "compat check", delayMs: 600_000 }) },
];
