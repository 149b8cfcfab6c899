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
  // Scale (issue 19/21): a page of sessions.list reads one covering index in order (no sort, no table row per
  // skipped offset); search finds its rows through a trigram index instead of a LIKE over every row; the count
  // of each agent's sessions is kept, not counted, so sessions_by_updated (which only COUNT(*) still needed)
  // goes: every message moves a session's entry in each updated_at index. The search index is external-content
  // keyed by the sessions rowid: the store never VACUUMs (which could renumber those rowids), and the rebuild
  // fills it for stores written before this version.
  `DROP INDEX sessions_by_updated;
   CREATE INDEX sessions_page ON sessions(updated_at DESC, key, label);
   CREATE INDEX sessions_agent_page ON sessions(agent_id, updated_at DESC, key);
   CREATE TABLE session_counts (agent_id TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID;
   INSERT INTO session_counts SELECT agent_id, COUNT(*) FROM sessions GROUP BY agent_id;
   CREATE VIRTUAL TABLE sessions_search USING fts5(key, label, content='sessions', content_rowid='rowid', tokenize='trigram');
   INSERT INTO sessions_search(sessions_search) VALUES ('rebuild');
   CREATE TRIGGER sessions_insert AFTER INSERT ON sessions BEGIN
     INSERT INTO sessions_search(rowid, key, label) VALUES (new.rowid, new.key, new.label);
     INSERT INTO session_counts VALUES (new.agent_id, 1) ON CONFLICT(agent_id) DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER sessions_delete AFTER DELETE ON sessions BEGIN
     INSERT INTO sessions_search(sessions_search, rowid, key, label) VALUES ('delete', old.rowid, old.key, old.label);
     UPDATE session_counts SET n = n - 1 WHERE agent_id = old.agent_id;
   END;
   CREATE TRIGGER sessions_search_update AFTER UPDATE OF key, label ON sessions BEGIN
     INSERT INTO sessions_search(sessions_search, rowid, key, label) VALUES ('delete', old.rowid, old.key, old.label);
     INSERT INTO sessions_search(rowid, key, label) VALUES (new.rowid, new.key, new.label);
   END;
   CREATE TRIGGER sessions_agent_update AFTER UPDATE OF agent_id ON sessions BEGIN
     UPDATE session_counts SET n = n - 1 WHERE agent_id = old.agent_id;
     INSERT INTO session_counts VALUES (new.agent_id, 1) ON CONFLICT(agent_id) DO UPDATE SET n = n + 1;
   END;`,
];
