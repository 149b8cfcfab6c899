// The session store: versioned migrations, WAL, transcripts with usage, reset/delete, and refusal of a
// file from a newer schema.
import { Database } from "bun:sqlite";
import { afterAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCHEMA_VERSION, SessionStore, StoreError } from "../../src/agents/store.ts";

const dir = mkdtempSync(join(tmpdir(), "openclaw-store-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("session store", () => {
  test("creates the schema at the current version in WAL mode and keeps transcripts across reopen", () => {
    const path = join(dir, "a", "sessions.sqlite");
    const store = SessionStore.open(path);
    expect(store.version).toBe(SCHEMA_VERSION);
    const { row, created } = store.ensure("agent:main:main", "main");
    expect(created).toBe(true);
    store.append({ sessionKey: row.key, role: "user", content: "hi", runId: "r1" });
    store.append({ sessionKey: row.key, role: "assistant", content: "hello", runId: "r1", provider: "p", model: "m", usage: { input: 3, output: 2, total: 5 }, stopReason: "stop" });
    store.close();

    const again = SessionStore.open(path);
    const history = again.history("agent:main:main");
    expect(history.map((m) => [m.role, m.content])).toEqual([["user", "hi"], ["assistant", "hello"]]);
    expect(history[1]!.usage).toEqual({ input: 3, output: 2, total: 5 });
    expect(again.get("agent:main:main")).toMatchObject({ totalTokens: 5, model: "m", modelProvider: "p", lastRunId: "r1" });
    const mode = new Database(path).query("PRAGMA journal_mode").get() as { journal_mode: string };
    expect(mode.journal_mode).toBe("wal");
    again.close();
  });

  test("migrates an old file step by step", () => {
    const path = join(dir, "old.sqlite");
    const db = new Database(path);
    db.exec("CREATE TABLE sessions (key TEXT PRIMARY KEY, agent_id TEXT NOT NULL, session_id TEXT NOT NULL, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, label TEXT, channel TEXT, model_provider TEXT, model TEXT, input_tokens INTEGER NOT NULL DEFAULT 0, output_tokens INTEGER NOT NULL DEFAULT 0, total_tokens INTEGER NOT NULL DEFAULT 0, last_run_id TEXT)");
    db.exec("CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_key TEXT NOT NULL, session_id TEXT NOT NULL, run_id TEXT, role TEXT NOT NULL, content TEXT NOT NULL, tool_calls TEXT, tool_call_id TEXT, created_at INTEGER NOT NULL, provider TEXT, model TEXT, input_tokens INTEGER, output_tokens INTEGER, total_tokens INTEGER, stop_reason TEXT, error TEXT)");
    db.exec("CREATE INDEX messages_by_session ON messages(session_id, id)");
    db.exec("INSERT INTO sessions (key, agent_id, session_id, created_at, updated_at) VALUES ('agent:main:x', 'main', 's1', 1, 1)");
    db.exec("PRAGMA user_version = 1");
    db.close();
    const store = SessionStore.open(path);
    expect(store.version).toBe(SCHEMA_VERSION);
    expect(store.get("agent:main:x")?.sessionId).toBe("s1");
    store.close();
  });

  test("refuses a store written by a newer schema", () => {
    const path = join(dir, "newer.sqlite");
    const db = new Database(path);
    db.exec(`PRAGMA user_version = ${SCHEMA_VERSION + 5}`);
    db.close();
    expect(() => SessionStore.open(path)).toThrow(StoreError);
    expect(() => SessionStore.open(path)).toThrow(/newer than this build/);
  });

  test("reset starts a fresh transcript; delete removes the session; list pages newest first", () => {
    const store = SessionStore.open(join(dir, "b.sqlite"));
    for (const k of ["one", "two", "three"]) {
      store.ensure(`agent:main:${k}`, "main");
      store.append({ sessionKey: `agent:main:${k}`, role: "user", content: k });
    }
    const before = store.get("agent:main:one")!.sessionId;
    const after = store.reset("agent:main:one")!;
    expect(after.sessionId).not.toBe(before);
    expect(store.history("agent:main:one")).toEqual([]);
    expect(store.delete("agent:main:two")).toBe(true);
    expect(store.delete("agent:main:two")).toBe(false);
    const page = store.list({ limit: 1 });
    expect(page.total).toBe(2);
    expect(page.rows[0]!.key).toBe("agent:main:one");
    expect(store.list({ search: "three" }).rows.map((r) => r.key)).toEqual(["agent:main:three"]);
    store.close();
  });
});
