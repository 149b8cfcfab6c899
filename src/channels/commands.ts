// The bot's native commands (the ones registered with setMyCommands) answered by the gateway itself, after
// access checks: /stop aborts the session's run, /new and /reset start a fresh transcript, /status and /help
// answer in the chat. Anything else (/start, custom commands) goes to the agent as text.
import type { AgentsService } from "../agents/methods.ts";

export const NATIVE_COMMANDS = [
  { command: "new", description: "Start a new session" },
  { command: "reset", description: "Reset the current session" },
  { command: "status", description: "Show session status" },
  { command: "stop", description: "Stop the current run" },
  { command: "help", description: "Show available commands" },
];

/** The reply to a native command, or undefined when the message is for the agent. */
export function nativeCommand(command: string | undefined, sessionKey: string, agents: AgentsService): string | undefined {
  switch (command) {
    case "stop": {
      const aborted = agents.runs.abortSession(sessionKey);
      return aborted.length ? "Stopped." : "Nothing is running.";
    }
    case "new":
    case "reset": {
      const row = agents.store().reset(sessionKey);
      agents.runs.sessionsChanged(sessionKey, "reset");
      return row ? "New session started." : "New session started (there was no history yet).";
    }
    case "status": {
      const row = agents.store().get(sessionKey);
      const active = agents.runs.active(sessionKey).length;
      return `Session: ${sessionKey}\n${row ? `Tokens used: ${row.totalTokens}` : "No history yet."}\n${active ? "A reply is in progress." : "Idle."}`;
    }
    case "help":
      return ["Commands:", ...NATIVE_COMMANDS.map((c) => `/${c.command} — ${c.description}`)].join("\n");
    default:
      return undefined;
  }
}
