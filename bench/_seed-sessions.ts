// The scale store of issue 19: 100,000 sessions and one session of 10,000 messages, written straight into
// SQLite (one transaction) so a run spends seconds, not minutes, building it. Shared by bench/sessions-scale.ts
// and the scale rows of `npm run bench`.
import { Database } from "bun:sqlite";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { sessionStorePath } from "../src/agents/surface.ts";
import { SessionStore } from "../src/agents/store.ts";
import { MIGRATIONS } from "../src/agents/store-schema.ts";

export const BIG_SESSION = "agent:main:big";
/** A label only one seeded session carries: a selective search. */
export const RARE_LABEL = "label 9990";

/**
 * Fills a store at schema version 4 (plain tables), then lets SessionStore.open migrate it: the later indexes
 * are built once over the filled tables, ~10× faster than trigger by trigger, and the upgrade path is exercised.
 */
export function seedSessions(stateDir: string, sessions = 100_000, messages = 10_000): string {
  const path = sessionStorePath(stateDir);
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const db = new Database(path, { create: true });
  for (const [version, sql] of MIGRATIONS.slice(0, 4).entries()) {
    db.exec(sql);
    db.exec(`PRAGMA user_version = ${version + 1}`);
  }
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
  SessionStore.open(path).close();
  return path;
}
