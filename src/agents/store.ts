// The session store: one SQLite file in the state dir (bun:sqlite, WAL, synchronous=FULL, one writer: this
// process, which holds the gateway's state lock). Every message is its own committed transaction, so a
// kill -9 loses at most the message being written. The schema is versioned with PRAGMA user_version.
import type { Database } from "bun:sqlite";
import { bunSqlite } from "../platform/node.ts";
import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from "node:fs";
import { dirname } from "node:path";
import { listSessions, sessionCount, toRow, type ListOptions, type SessionRow } from "./session-rows.ts";
import { MIGRATIONS } from "./store-schema.ts";

export const SCHEMA_VERSION = MIGRATIONS.length;

export type { SessionRow } from "./session-rows.ts";

export interface StoredMessage {
  id: number;
  sessionKey: string;
  sessionId: string;
  runId: string | null;
  role: "user" | "assistant" | "system" | "tool";
  content: string;
  toolCalls: Array<{ id: string; name: string; arguments: string }> | null;
  toolCallId: string | null;
  createdAt: number;
  provider: string | null;
  model: string | null;
  usage: { input: number; output: number; total: number } | null;
  stopReason: string | null;
  error: string | null;
  toolName: string | null;
  isError: boolean;
}

type Optional = "toolCalls" | "toolCallId" | "provider" | "model" | "usage" | "stopReason" | "error" | "runId" | "toolName" | "isError";
export type NewMessage = Omit<StoredMessage, "id" | "sessionId" | "createdAt" | Optional> & Partial<Pick<StoredMessage, Optional>>;

export class StoreError extends Error {
  override readonly name = "StoreError";
}

function toMessage(r: Record<string, any>): StoredMessage {
  return {
    id: r.id,
    sessionKey: r.session_key,
    sessionId: r.session_id,
    runId: r.run_id,
    role: r.role,
    content: r.content,
    toolCalls: r.tool_calls ? JSON.parse(r.tool_calls) : null,
    toolCallId: r.tool_call_id,
    createdAt: r.created_at,
    provider: r.provider,
    model: r.model,
    usage: r.total_tokens === null ? null : { input: r.input_tokens ?? 0, output: r.output_tokens ?? 0, total: r.total_tokens ?? 0 },
    stopReason: r.stop_reason,
    error: r.error,
    toolName: r.tool_name ?? null,
    isError: r.is_error === 1,
  };
}

export class SessionStore {
  readonly path: string;
  #db: Database;

  private constructor(path: string, db: Database) {
    this.path = path;
    this.#db = db;
  }

  /** Opens (creating if needed) and migrates the store; refuses a file written by a newer schema. */
  static open(path: string): SessionStore {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    // Transcripts are private: create the file 0600 ourselves (SQLite gives -wal/-shm the same mode) and
    // narrow any older 0644 store and its side files.
    closeSync(openSync(path, "a", 0o600));
    for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
    const db = new (bunSqlite().Database)(path, { create: true, strict: true });
    try {
      db.exec("PRAGMA journal_mode = WAL");
      db.exec("PRAGMA synchronous = FULL");
      db.exec("PRAGMA busy_timeout = 5000");
      db.exec("PRAGMA foreign_keys = ON");
      const check = db.query("PRAGMA quick_check").get() as { quick_check?: string } | null;
      if (check && check.quick_check !== "ok") throw new StoreError(`session store ${path} failed its integrity check: ${check.quick_check}`);
      migrate(db, path);
    } catch (error) {
      db.close();
      throw error;
    }
    return new SessionStore(path, db);
  }

  get version(): number {
    return (this.#db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
  }

  get(key: string): SessionRow | undefined {
    const row = this.#db.query("SELECT * FROM sessions WHERE key = ?").get(key) as Record<string, any> | null;
    return row ? toRow(row) : undefined;
  }

  /** The session row for a key, created on first use. */
  ensure(key: string, agentId: string, channel?: string): { row: SessionRow; created: boolean } {
    const existing = this.get(key);
    if (existing) return { row: existing, created: false };
    const now = Date.now();
    this.#db
      .query("INSERT INTO sessions (key, agent_id, session_id, created_at, updated_at, channel) VALUES (?, ?, ?, ?, ?, ?)")
      .run(key, agentId, crypto.randomUUID(), now, now, channel ?? null);
    return { row: this.get(key)!, created: true };
  }

  /** Commits one transcript message and the session's counters in one transaction. */
  append(message: NewMessage): StoredMessage {
    const now = Date.now();
    const write = this.#db.transaction(() => {
      const session = this.get(message.sessionKey);
      if (!session) throw new StoreError(`no session ${message.sessionKey}`);
      const usage = message.usage ?? null;
      const info = this.#db
        .query(
          `INSERT INTO messages (session_key, session_id, run_id, role, content, tool_calls, tool_call_id, created_at, provider, model,
             input_tokens, output_tokens, total_tokens, stop_reason, error, tool_name, is_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          message.sessionKey,
          session.sessionId,
          message.runId ?? null,
          message.role,
          message.content,
          message.toolCalls?.length ? JSON.stringify(message.toolCalls) : null,
          message.toolCallId ?? null,
          now,
          message.provider ?? null,
          message.model ?? null,
          usage?.input ?? null,
          usage?.output ?? null,
          usage?.total ?? null,
          message.stopReason ?? null,
          message.error ?? null,
          message.toolName ?? null,
          message.isError === undefined ? null : message.isError ? 1 : 0,
        );
      this.#db
        .query(
          `UPDATE sessions SET updated_at = ?, last_run_id = COALESCE(?, last_run_id), model_provider = COALESCE(?, model_provider),
             model = COALESCE(?, model), input_tokens = input_tokens + ?, output_tokens = output_tokens + ?, total_tokens = total_tokens + ?
           WHERE key = ?`,
        )
        .run(now, message.runId ?? null, message.provider ?? null, message.model ?? null, usage?.input ?? 0, usage?.output ?? 0, usage?.total ?? 0, message.sessionKey);
      return Number(info.lastInsertRowid);
    });
    const id = write();
    return toMessage(this.#db.query("SELECT * FROM messages WHERE id = ?").get(id) as Record<string, any>);
  }

  /** The current transcript of a session (oldest first), at most `limit` newest messages. */
  history(key: string, limit = 200): StoredMessage[] {
    const session = this.get(key);
    if (!session) return [];
    const rows = this.#db
      .query("SELECT * FROM (SELECT * FROM messages WHERE session_id = ? ORDER BY id DESC LIMIT ?) ORDER BY id ASC")
      .all(session.sessionId, limit) as Record<string, any>[];
    return rows.map(toMessage);
  }

  /** One page of sessions, newest first, and the number that match (see session-rows.ts for the plan). */
  list(options: ListOptions = {}): { rows: SessionRow[]; total: number } {
    return listSessions(this.#db, options);
  }

  /** One message of a session's current transcript by id, with its 1-based position (`messageSeq`). */
  message(key: string, id: number): { message: StoredMessage; seq: number } | undefined {
    const session = this.get(key);
    if (!session) return undefined;
    const row = this.#db.query("SELECT * FROM messages WHERE id = ? AND session_id = ?").get(id, session.sessionId) as Record<string, any> | null;
    if (!row) return undefined;
    const seq = (this.#db.query("SELECT COUNT(*) AS n FROM messages WHERE session_id = ? AND id <= ?").get(session.sessionId, id) as { n: number }).n;
    return { message: toMessage(row), seq };
  }

  /** Messages in a session's current transcript. */
  messageCount(key: string): number {
    const session = this.get(key);
    if (!session) return 0;
    return (this.#db.query("SELECT COUNT(*) AS n FROM messages WHERE session_id = ?").get(session.sessionId) as { n: number }).n;
  }

  /** Marks (or clears, with null) the run a session is in the middle of; committed before the run streams. */
  markRunning(key: string, runId: string | null): void {
    this.#db.query("UPDATE sessions SET running_run_id = ? WHERE key = ?").run(runId, key);
  }

  /**
   * Turns the marks of runs that never finished (the process died) into an assistant turn with stop reason
   * "interrupted", so the transcript says what happened; returns the session keys it marked.
   */
  markInterrupted(): string[] {
    const rows = this.#db.query("SELECT key, running_run_id FROM sessions WHERE running_run_id IS NOT NULL").all() as Array<{ key: string; running_run_id: string }>;
    for (const row of rows) {
      // Tool calls the run never answered get a result, so the transcript replays to any model API.
      const session = this.get(row.key);
      const turn = this.#db
        .query("SELECT * FROM messages WHERE session_id = ? AND run_id = ? ORDER BY id ASC")
        .all(session?.sessionId ?? "", row.running_run_id)
        .map((r) => toMessage(r as Record<string, any>));
      const answered = new Set(turn.filter((m) => m.role === "tool").map((m) => m.toolCallId));
      for (const call of turn.flatMap((m) => m.toolCalls ?? [])) {
        if (answered.has(call.id)) continue;
        this.append({ sessionKey: row.key, runId: row.running_run_id, role: "tool", content: "Interrupted: the gateway stopped while this tool ran.", toolCallId: call.id, toolName: call.name, isError: true });
      }
      this.append({ sessionKey: row.key, runId: row.running_run_id, role: "assistant", content: "", stopReason: "interrupted", error: "the gateway stopped during this run" });
      this.markRunning(row.key, null);
    }
    return rows.map((r) => r.key);
  }

  /** Token totals per provider/model over assistant turns, for one session or all of them. */
  usageByModel(key?: string): Array<{ provider: string | null; model: string | null; input: number; output: number; total: number; count: number }> {
    const where = key ? "WHERE role = 'assistant' AND session_key = ?" : "WHERE role = 'assistant'";
    const rows = this.#db
      .query(`SELECT provider, model, SUM(COALESCE(input_tokens,0)) AS i, SUM(COALESCE(output_tokens,0)) AS o, SUM(COALESCE(total_tokens,0)) AS t, COUNT(*) AS n FROM messages ${where} GROUP BY provider, model`)
      .all(...(key ? [key] : [])) as Array<Record<string, any>>;
    return rows.map((r) => ({ provider: r.provider, model: r.model, input: r.i, output: r.o, total: r.t, count: r.n }));
  }

  /** Sessions in the store (see sessionCount). */
  count(): number {
    return sessionCount(this.#db);
  }

  /** Starts a fresh transcript under the same key (the old one stays on disk); returns the new row. */
  reset(key: string): SessionRow | undefined {
    const now = Date.now();
    const info = this.#db
      .query("UPDATE sessions SET session_id = ?, updated_at = ?, input_tokens = 0, output_tokens = 0, total_tokens = 0 WHERE key = ?")
      .run(crypto.randomUUID(), now, key);
    return info.changes > 0 ? this.get(key) : undefined;
  }

  /** Sets a session's label, model override and queue mode (null clears; undefined leaves as is). */
  patch(key: string, fields: { label?: string | null; modelOverride?: string | null; queueMode?: string | null }): SessionRow | undefined {
    const sets: string[] = [];
    const args: Array<string | null | number> = [];
    const column = { label: "label", modelOverride: "model_override", queueMode: "queue_mode" } as const;
    for (const [name, col] of Object.entries(column)) {
      const value = fields[name as keyof typeof fields];
      if (value === undefined) continue;
      sets.push(`${col} = ?`);
      args.push(value);
    }
    if (sets.length) this.#db.query(`UPDATE sessions SET ${sets.join(", ")}, updated_at = ? WHERE key = ?`).run(...args, Date.now(), key);
    return this.get(key);
  }

  /**
   * Starts a fresh transcript for the session holding only its newest `keep` messages, or, with a model-written
   * `summary` of what came before, the summary then every message from `fromId` on (messages a run added while
   * the summary was written included). The old transcript stays on disk under the old session id, as reset
   * leaves it. Returns how many were kept; -1 when the session was reset meanwhile (nothing changes).
   */
  compact(key: string, keep: number, summary?: { text: string; fromId: number; sessionId: string }): number {
    return this.#db.transaction(() => {
      const session = this.get(key);
      if (!session) return 0;
      if (summary && summary.sessionId !== session.sessionId) return -1;
      const fresh = crypto.randomUUID();
      if (summary) {
        this.#db.query("INSERT INTO messages (session_key, session_id, role, content, created_at, stop_reason) VALUES (?, ?, 'user', ?, ?, 'compaction')").run(key, fresh, summary.text, Date.now());
      }
      const source = summary ? "SELECT * FROM messages WHERE session_id = ? AND id >= ?" : "SELECT * FROM (SELECT * FROM messages WHERE session_id = ? ORDER BY id DESC LIMIT ?)";
      const info = this.#db
        .query(
          `INSERT INTO messages (session_key, session_id, run_id, role, content, tool_calls, tool_call_id, created_at, provider, model, input_tokens,
             output_tokens, total_tokens, stop_reason, error, tool_name, is_error)
           SELECT session_key, ?, run_id, role, content, tool_calls, tool_call_id, created_at, provider, model, input_tokens, output_tokens, total_tokens,
             stop_reason, error, tool_name, is_error FROM (${source}) ORDER BY id ASC`,
        )
        .run(fresh, session.sessionId, summary ? summary.fromId : keep);
      this.#db.query("UPDATE sessions SET session_id = ?, updated_at = ? WHERE key = ?").run(fresh, Date.now(), key);
      return info.changes;
    })();
  }

  /** A new session `newKey` whose transcript is a copy of `key`'s messages before message `beforeId`. */
  fork(key: string, newKey: string, agentId: string, beforeId: number): SessionRow {
    return this.#db.transaction(() => {
      const source = this.get(key);
      if (!source) throw new StoreError(`no session ${key}`);
      const { row } = this.ensure(newKey, agentId, source.channel ?? undefined);
      this.#db
        .query(
          `INSERT INTO messages (session_key, session_id, run_id, role, content, tool_calls, tool_call_id, created_at, provider, model, input_tokens,
             output_tokens, total_tokens, stop_reason, error, tool_name, is_error)
           SELECT ?, ?, run_id, role, content, tool_calls, tool_call_id, created_at, provider, model, input_tokens, output_tokens, total_tokens,
             stop_reason, error, tool_name, is_error FROM messages WHERE session_id = ? AND id < ? ORDER BY id ASC`,
        )
        .run(newKey, row.sessionId, source.sessionId, beforeId);
      return this.get(newKey)!;
    })();
  }

  /** Removes a session and its transcripts. */
  delete(key: string): boolean {
    return this.#db.transaction(() => {
      this.#db.query("DELETE FROM messages WHERE session_key = ?").run(key);
      return this.#db.query("DELETE FROM sessions WHERE key = ?").run(key).changes > 0;
    })();
  }

  close(): void {
    this.#db.close();
  }
}

function migrate(db: Database, path: string): void {
  const current = (db.query("PRAGMA user_version").get() as { user_version: number }).user_version;
  if (current > MIGRATIONS.length) {
    throw new StoreError(`session store ${path} has schema version ${current}, newer than this build's ${MIGRATIONS.length}; upgrade openclaw`);
  }
  for (let version = current; version < MIGRATIONS.length; version++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[version]!);
      db.exec(`PRAGMA user_version = ${version + 1}`);
    })();
  }
}
