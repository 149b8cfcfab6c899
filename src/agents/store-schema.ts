// The session store's schema as ordered migrations (PRAGMA user_version counts how many have run).

/** Ordered migrations; index i brings the schema from version i to i+1. Never edit a shipped one. */
export const MIGRATIONS: string[] = [
  `CREATE TABLE sessions (
     key TEXT PRIMARY KEY,
     agent_id TEXT NOT NULL,
     session_id TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     label TEXT,
     channel TEXT,
     model_provider TEXT,
     model TEXT,
     input_tokens INTEGER NOT NULL DEFAULT 0,
     output_tokens INTEGER NOT NULL DEFAULT 0,
     total_tokens INTEGER NOT NULL DEFAULT 0,
     last_run_id TEXT
   );
   CREATE TABLE messages (
     id INTEGER PRIMARY KEY AUTOINCREMENT,
     session_key TEXT NOT NULL,
     session_id TEXT NOT NULL,
     run_id TEXT,
     role TEXT NOT NULL,
     content TEXT NOT NULL,
     tool_calls TEXT,
     tool_call_id TEXT,
     created_at INTEGER NOT NULL,
     provider TEXT,
     model TEXT,
     input_tokens INTEGER,
     output_tokens INTEGER,
     total_tokens INTEGER,
     stop_reason TEXT,
     error TEXT
   );
   CREATE INDEX messages_by_session ON messages(session_id, id);`,
  `CREATE INDEX sessions_by_updated ON sessions(updated_at DESC);
   CREATE INDEX messages_by_key ON messages(session_key);`,
  // Tool results name their tool and say whether they failed; a session remembers the run it is in the middle
  // of, so a process killed mid-run leaves a marker the next open turns into an "interrupted" turn.
  `ALTER TABLE messages ADD COLUMN tool_name TEXT;
   ALTER TABLE messages ADD COLUMN is_error INTEGER;
   ALTER TABLE sessions ADD COLUMN running_run_id TEXT;`,
  // Per-session settings from sessions.patch: a model override and the queue mode.
  `ALTER TABLE sessions ADD COLUMN model_override TEXT;
   ALTER TABLE sessions ADD COLUMN queue_mode TEXT;`,
];
