// The scale store of issue 19: 100,000 sessions and one session of 10,000 messages, written straight into
// SQLite (one transaction) so a run spends seconds, not minutes, building it. Shared by bench/sessions-scale.ts
// and the scale rows of `npm run bench`.
import { Database } from "bun:sqlite";
import { sessionStorePath } from "../src/agents/surface.ts";
import { SessionStore } from "../src/agents/store.ts";

export const BIG_SESSION = "agent:main:big";
/** A label only one seeded session carries: a selective search. */
export const RARE_LABEL = "label 9990";

/** Creates the store at the current schema in `stateDir`, then fills it; returns its path. */
export function seedSessions(stateDir: string, sessions = 100_000, messages = 10_000): string {
  const path = sessionStorePath(stateDir);
  SessionStore.open(path).close();
  const db = new Database(path);
  const now = Date.now();
  db.transaction(() => {
    const session = db.query("INSERT INTO sessions (key, agent_id, session_id, created_at, updated_at, label) VALUES (?, 'main', ?, ?, ?, ?)");
    for (let i = 0; i < sessions; i++) session.run(`agent:main:s${i}`, crypto.randomUUID(), now - i * 1000, now - i * 1000, i % 10 ? null : `label ${i}`);
    session.run(BIG_SESSION, "big-session", now, now + 1, "big");
    const message = db.query("INSERT INTO messages (session_key, session_id, role, content, created_at, input_tokens, output_tokens, total_tokens) VALUES (?, 'big-session', ?, ?, ?, ?, ?, ?)");
    for (let i = 0; i < messages; i++) {
      const user = i % 2 === 0;
      message.run(BIG_SESSION, user ? "user" : "assistant", `${user ? "question" : "answer"} ${i} ${"x".repeat(200)}`, now + i, user ? null : 10, user ? null : 20, user ? null : 30);
    }
  })();
  db.close();
  return path;
}
