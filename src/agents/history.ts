// The `chat.history` answer, shared by `chat.history` and `chat.startup` (which the reference's Control UI
// calls first when a chat opens): the transcript page, the session row and whether a run is active.
import { defaults, openStore, type AgentsService } from "./methods-shared.ts";
import { canonicalKey } from "./keys.ts";
import { visibleHistory } from "./heartbeat-ack.ts";
import { historyMessage, sessionRow } from "./present.ts";

export function chatHistory(service: AgentsService, rawKey: string, limit = 200): Record<string, unknown> {
  const { runs } = service;
  const parsed = canonicalKey(rawKey, runs.config.defaultAgentId);
  const store = openStore(service);
  const row = store.get(parsed.key);
  const active = runs.active(parsed.key);
  return {
    sessionKey: parsed.key,
    sessionId: row?.sessionId,
    messages: visibleHistory(store.history(parsed.key, limit)).map(historyMessage),
    defaults: defaults(runs),
    sessionInfo: row ? sessionRow(row, active) : { key: parsed.key, hasActiveRun: active.length > 0, activeRunIds: active },
  };
}
