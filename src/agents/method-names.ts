// The names of the agents feature's RPC families, known without loading their modules: the surface advertises them
// at mount (hello-ok) and loads each family's code on its first call. tests/gateway/lazy-methods.test.ts holds each
// list equal to the keys its module really returns.
export const AGENTS_METHOD_NAMES = {
  agents: ["agent", "agent.wait", "chat.send", "chat.history", "chat.abort", "sessions.list", "sessions.preview", "sessions.reset", "sessions.delete", "agents.list", "models.list"],
  sessions: ["agent.identity.get", "chat.startup", "chat.metadata", "sessions.subscribe", "sessions.unsubscribe", "sessions.messages.subscribe", "sessions.messages.unsubscribe", "sessions.describe", "sessions.branches.list", "chat.message.get", "models.authStatus", "usage.status", "sessions.usage"],
  approvals: ["exec.approval.list", "exec.approval.get", "exec.approval.resolve"],
  agentAdmin: ["agents.create", "agents.update", "agents.delete", "agents.files.list", "agents.files.get", "agents.files.set"],
  sessionAdmin: ["sessions.create", "sessions.send", "sessions.abort", "sessions.patch", "sessions.compact", "sessions.fork"],
} as const;
